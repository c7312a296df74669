#!/usr/bin/env python3
"""Make tests/school-docs: a labelled set of made-up school records for measuring the
filing suggestions (issue 20, point 4). Deterministic (a fixed seed); run again only to
change the set, and check the result in (the scans depend on ImageMagick's version).

Ten document types, each written from several layouts and many interchangeable wordings,
for made-up students of made-up schools, with the letterheads, footers and privacy
notices every type shares (so no type is told apart by its boilerplate), and file names
as scanners and mail clients make them (mostly saying nothing of the type). Formats: PDF
with a text layer, Word (.docx), plain text, and scans: pages drawn with ImageMagick at
150 dpi, slightly rotated, grey, with noise, saved as JPEG, which Dossier reads by OCR.

    scripts/make-school-docs.py            # writes tests/school-docs/{files,labels.tsv}

Needs Python 3 (standard library), ImageMagick (`convert`) and fonts-dejavu.
"""

import io
import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "school-docs"
PER_TYPE = 32
SEED = 20261204

rng = random.Random(SEED)
pick = rng.choice

# --- people, schools, dates -----------------------------------------------------------

GIVEN = ["Ada", "Bo", "Chloé", "Dmitri", "Esi", "Farah", "Gustavo", "Hana", "Ivan", "Jamal",
         "Keiko", "Liam", "Maya", "Nikolai", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
         "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zara", "Aaron", "Bianca", "Carlos", "Dana"]
FAMILY = ["Okafor", "Lindqvist", "Moreau", "Petrov", "Mensah", "Haddad", "Silva", "Sato",
          "Novak", "Brooks", "Tanaka", "O'Brien", "Patel", "Volkov", "Adeyemi", "Sharma",
          "Kowalski", "García", "Nilsson", "Rahman", "Chen", "Dubois", "Nguyen", "Rossi",
          "Fischer", "Kaya", "Murphy", "Jensen", "Costa", "Abebe"]
SCHOOLS = ["Westfield High School", "Riverside Academy", "St. Brendan's College",
           "Northgate Secondary School", "Lakeview Middle School", "Hillcrest International School",
           "Oakridge Community School", "Maple Grove High", "Eastbrook Academy", "Pinecrest Lyceum"]
STREETS = ["12 Elm Street", "4 Harbour Road", "88 College Avenue", "201 Mill Lane", "7 Station Road"]
TOWNS = ["Springfield", "Port Ellis", "Greenvale", "Ashford", "Kingsbridge"]
GRADES = ["Grade 7", "Grade 8", "Grade 9", "Grade 10", "Grade 11", "Grade 12", "Year 9", "Year 11"]
SUBJECTS = ["Mathematics", "English Language", "Biology", "Chemistry", "Physics", "History",
            "Geography", "French", "Spanish", "Art", "Music", "Physical Education",
            "Computer Science", "Economics", "Literature"]
STAFF = ["Ms. Alvarez", "Mr. Osei", "Dr. Kim", "Mrs. Whitaker", "Mr. Lund", "Ms. Ferreira"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def student():
    return f"{pick(GIVEN)} {pick(FAMILY)}"


def number():
    return pick([
        lambda: f"{rng.randint(2019, 2026)}-{rng.randint(1, 9999):04d}",
        lambda: f"S{rng.randint(10000, 99999)}",
        lambda: f"{rng.randint(100000000, 999999999)}",
    ])()


def date(year=None):
    y = year or rng.randint(2019, 2026)
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    return pick([f"{y}-{m:02d}-{d:02d}", f"{d} {MONTHS[m - 1]} {y}", f"{MONTHS[m - 1]} {d}, {y}",
                 f"{d:02d}/{m:02d}/{y}"])


def birth():
    return date(rng.randint(2006, 2013))


def either(*options):
    return pick(options)


# --- what every type shares -----------------------------------------------------------

def letterhead(school):
    return pick([
        [school.upper(), f"{pick(STREETS)}, {pick(TOWNS)}", f"Tel. 0{rng.randint(100, 999)} {rng.randint(100000, 999999)}"],
        [school, "Office of the Registrar"],
        [school, f"{pick(TOWNS)} School District", "Student Services"],
        [school],
    ])


def footer():
    return rng.sample([
        "This document contains confidential student information protected under FERPA.",
        "Confidential: for the student's record file only.",
        f"Page 1 of {rng.randint(1, 2)}",
        "Please keep this document for your records.",
        "Questions? Contact the school office during opening hours.",
        f"Printed {date()}",
    ], k=rng.randint(1, 3))


def ident(name, num, extra=()):
    fields = [either("Student name", "Name", "Pupil", "Student") + f": {name}",
              either("Student ID", "Student number", "ID No.", "Pupil number") + f": {num}"]
    fields += list(extra)
    rng.shuffle(fields)
    return fields


# --- the types ------------------------------------------------------------------------

def transcript():
    name, num = student(), number()
    title = either("OFFICIAL TRANSCRIPT", "Academic Transcript", "Transcript of Academic Record",
                   "Student Academic Record", "Cumulative Transcript")
    lines = [title, ""] + ident(name, num, [f"Date of birth: {birth()}",
                                         f"Date of entry: {date()}"]) + [""]
    years = rng.randint(1, 3)
    for y in range(years):
        yr = 2021 + y + rng.randint(0, 3)
        lines.append(either(f"School year {yr}-{yr + 1}", f"{yr}/{yr + 1}", f"Academic year {yr}"))
        for s in rng.sample(SUBJECTS, rng.randint(4, 7)):
            lines.append(f"  {s:<24} {pick(['A', 'A-', 'B+', 'B', 'B-', 'C+', 'C'])}   "
                         + either(f"{rng.choice([0.5, 1.0])} credits", f"{rng.randint(60, 99)}%", ""))
    lines += ["", either(f"Cumulative GPA: {rng.uniform(2.0, 4.0):.2f}",
                         f"Grade point average {rng.uniform(2.0, 4.0):.2f}",
                         f"Credits earned: {rng.randint(10, 28)}"),
              either("This transcript is official only when it bears the registrar's seal.",
                     "Issued by the Registrar. Not valid without signature.",
                     "Certified true copy of the student's permanent academic record.")]
    return lines


def report_card():
    name, num = student(), number()
    term = either("Term 1", "Term 2", "Autumn term", "Spring term", "First semester", "Mid-year")
    title = either("Report Card", "Student Progress Report", f"{term} Report", "End of Term Report",
                   "Pupil Report")
    lines = [title, f"{term} {rng.randint(2020, 2026)}", ""] + ident(name, num, [f"Class: {pick(GRADES)}",
                                                                                   f"Form tutor: {pick(STAFF)}"]) + [""]
    for s in rng.sample(SUBJECTS, rng.randint(4, 7)):
        comment = pick(["works hard and participates well in class", "needs to complete homework on time",
                        "has made excellent progress this term", "should revise more regularly",
                        "shows real enthusiasm for the subject", "is a positive presence in lessons"])
        lines.append(either(f"{s}: {pick(['Excellent', 'Good', 'Satisfactory', 'Needs improvement'])} - {name.split()[0]} {comment}.",
                            f"{s}  Effort {rng.randint(1, 5)}  Attainment {pick(['A', 'B', 'C', 'D'])}  {comment.capitalize()}."))
    lines += ["", either("Days absent", "Absences this term", "Attendance") + f": {rng.randint(0, 12)}",
              either("Teacher's comments", "Form tutor comment", "General comment") + ": "
              + pick(["A pleasing term overall.", "Keep up the good work next term.",
                      "Please see me about study habits.", "A very positive term."]),
              either("Parent signature: ____________", "Please sign and return the slip below.", "")]
    return lines


def birth_certificate():
    name = student()
    title = either("CERTIFICATE OF BIRTH", "Birth Certificate", "Certified Copy of an Entry of Birth",
                   "Extract of Birth Registration")
    lines = [either("Registry of Births, Deaths and Marriages", "Office of Vital Records",
                    "Civil Registration Service", f"Department of Health, {pick(TOWNS)}"), title, ""]
    fields = [f"Name of child: {name}", f"Date of birth: {birth()}",
              f"Place of birth: {pick(TOWNS)} " + either("General Hospital", "Maternity Unit", ""),
              f"Sex: {pick(['Female', 'Male'])}",
              either("Mother", "Parent 1", "Name of mother") + f": {pick(GIVEN)} {pick(FAMILY)}",
              either("Father", "Parent 2", "Name of father") + f": {pick(GIVEN)} {pick(FAMILY)}",
              either("Registration number", "Entry No.", "Certificate no.") + f": {rng.randint(100000, 999999)}",
              f"Registered on {date()}"]
    rng.shuffle(fields)
    lines += fields + ["", either("I certify that this is a true copy of an entry in a register in my custody.",
                                  "Registrar of births", "Issued under the Births and Deaths Registration Act.")]
    return lines


def enrolment():
    name = student()
    title = either("Application for Enrolment", "New Student Enrollment Form", "Admission Application",
                   "Student Registration Form", "Enrolment Form")
    lines = [title, ""]
    fields = [f"Student's full name: {name}", f"Date of birth: {birth()}",
              either("Grade applying for", "Year of entry", "Entering grade") + f": {pick(GRADES)}",
              f"Home address: {pick(STREETS)}, {pick(TOWNS)}",
              either("Previous school", "School last attended") + f": {pick(SCHOOLS)}",
              either("Parent/guardian", "Parent or carer", "Guardian") + f": {pick(GIVEN)} {pick(FAMILY)}",
              f"Telephone: 0{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
              either("Language spoken at home", "Home language") + f": {pick(['English', 'French', 'Arabic', 'Spanish', 'Yoruba', 'Polish'])}",
              f"Requested start date: {date()}"]
    rng.shuffle(fields)
    lines += fields + ["", either("Documents to attach: birth certificate, proof of address, immunization record.",
                                  "Please attach a copy of the birth certificate and the last school report.",
                                  "Admissions office use only: received ____ accepted ____"),
                       either("Signature of parent/guardian: ____________  Date: ______",
                              "I confirm the information given is correct.")]
    return lines


def immunisation():
    name = student()
    title = either("Immunization Record", "Certificate of Immunisation", "Vaccination History",
                   "Student Health Record - Immunizations", "School Immunization Certificate")
    lines = [title, ""] + ident(name, number(), [f"Date of birth: {birth()}"]) + [""]
    for v in rng.sample(["DTaP", "Tdap", "Polio (IPV)", "MMR", "Hepatitis B", "Varicella",
                         "Meningococcal (MenACWY)", "HPV", "Influenza"], rng.randint(4, 7)):
        doses = ", ".join(date() for _ in range(rng.randint(1, 3)))
        lines.append(either(f"{v}: {doses}", f"{v:<24} doses given {doses}", f"{v} - {doses}"))
    lines += ["", either("Exemption on file: none", "Medical exemption: no",
                         "All required vaccinations complete for school entry."),
              either("Verified by school nurse", "Health care provider signature: ________",
                     "Clinic stamp:")]
    return lines


def attendance_letter():
    name, num = student(), number()
    days = rng.randint(3, 20)
    lines = [date(), "", either("Dear Parent/Guardian,", f"Dear Parent or Carer of {name},",
                                "To the family of " + name + ","), ""]
    lines += [either(f"We are writing to let you know that {name} ({num}) has been absent from school on {days} days this term.",
                     f"Our records show that {name.split()[0]}'s attendance has fallen to {rng.randint(70, 89)}%.",
                     f"This letter concerns unauthorised absences recorded for {name}, student number {num}."),
              either("Regular attendance is essential for your child's learning and progress.",
                     "Missing school, even for a day, means missing important lessons.",
                     "The law requires children of compulsory school age to attend regularly."),
              either(f"Please contact the attendance office to discuss this by {date()}.",
                     "We would like to invite you to an attendance meeting.",
                     "If there are reasons for these absences, please provide medical evidence."),
              "", either("Yours sincerely,", "Kind regards,"), pick(STAFF),
              either("Attendance Officer", "Head of Year", "Pastoral Lead")]
    return [either("Attendance Concern", "Re: School attendance", "Absence notification", "")] + lines


def incident_report():
    name, num = student(), number()
    title = either("Incident Report", "Behaviour Incident Form", "Disciplinary Referral",
                   "Notice of Suspension", "Student Conduct Report")
    what = pick(["disruptive behaviour in class", "a fight in the playground", "use of a mobile phone during an exam",
                 "bullying of another pupil", "leaving school grounds without permission",
                 "damage to school property", "verbal abuse towards a member of staff"])
    lines = [title, ""] + ident(name, num, [f"Date of incident: {date()}",
                                         either("Reported by", "Referring teacher", "Staff member") + f": {pick(STAFF)}",
                                         f"Location: {pick(['Classroom', 'Corridor', 'Canteen', 'Playground', 'Sports hall'])}"]) + [""]
    lines += [either("Description of incident", "What happened", "Details") + f": {name.split()[0]} was involved in {what}.",
              either("Action taken", "Consequence", "Sanction") + ": "
              + pick(["after-school detention", "a one-day fixed-term exclusion", "parents contacted",
                      "referral to the head of year", "loss of break time", "restorative meeting"]),
              either("Witnesses", "Other students involved") + f": {rng.randint(0, 3)}",
              either("Parent notified: yes", "Parents informed by telephone", "Letter sent home"),
              either("Signed: ________ (Deputy Head)", "Reviewed by the behaviour lead", "")]
    return lines


def iep():
    name, num = student(), number()
    title = either("Individualized Education Program (IEP)", "Individual Education Plan",
                   "Special Educational Needs Support Plan", "504 Accommodation Plan",
                   "Learning Support Plan")
    need = pick(["dyslexia", "ADHD", "autism spectrum condition", "a hearing impairment",
                 "speech and language needs", "dyscalculia"])
    lines = [title, either("CONFIDENTIAL", ""), ""] + ident(name, num, [f"Plan start: {date()}",
                                                                       f"Review date: {date()}",
                                                                       either("Case manager", "SENCO", "Coordinator") + f": {pick(STAFF)}"]) + [""]
    lines += [either("Area of need", "Primary disability", "Identified needs") + f": {need}",
              either("Present levels of performance", "Strengths and difficulties") + ": "
              + pick(["reads two years below grade level", "finds sustained attention difficult",
                      "benefits from visual schedules", "needs extra processing time"]),
              either("Annual goals", "Targets") + ":"]
    for g in rng.sample(["improve reading fluency to 90 words per minute", "use a planner for homework daily",
                         "participate in group work with support", "complete maths tasks with a number line",
                         "ask for help when needed", "write a structured paragraph independently"], 3):
        lines.append(f"  - {g}")
    lines += [either("Accommodations", "Adjustments", "Provision") + ": "
              + ", ".join(rng.sample(["extra time in tests", "preferential seating", "reader for exams",
                                      "use of a laptop", "movement breaks", "small-group teaching"], 3)),
              either("Parent input", "Student views") + ": agreed at meeting on " + date()]
    return lines


def consent_form():
    name = student()
    what = pick(["a field trip to the Science Museum", "photographs on the school website",
                 "the residential outdoor education week", "participation in the sex education programme",
                 "administration of medication at school", "the after-school sports club"])
    title = either("Parental Consent Form", "Permission Slip", "Consent and Release Form",
                   "Photo and Media Release", "Trip Consent")
    lines = [title, "", either(f"Consent for {what}", f"Re: {what}", f"Activity: {what}"), ""]
    lines += [f"Student: {name}", either("Class", "Grade") + f": {pick(GRADES)}",
              either(f"I give permission for my child to take part in {what}.",
                     f"I consent to {what} as described in the attached letter.",
                     f"I do / do not (circle one) give consent for {what}."),
              either("Emergency contact", "Contact number during the activity") + f": 0{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
              either("Medical conditions or allergies", "Dietary requirements") + ": "
              + pick(["none", "peanut allergy", "asthma - inhaler carried", "none known"]),
              either(f"Please return this slip by {date()}.", "Return to the class teacher."),
              "Parent/guardian signature: ______________   Date: ________"]
    return lines


def withdrawal():
    name, num = student(), number()
    title = either("Student Withdrawal Form", "Notice of Transfer", "Leaving School Notification",
                   "Withdrawal / Transfer Request", "Exit Form")
    lines = [title, ""] + ident(name, num, [f"Last day of attendance: {date()}",
                                         either("Grade", "Year group") + f": {pick(GRADES)}"]) + [""]
    lines += [either("Reason for leaving", "Reason for withdrawal") + ": "
              + pick(["family moving to another town", "transfer to another school", "home schooling",
                      "moving abroad", "graduated"]),
              either("New school", "Receiving school", "Destination school") + f": {pick(SCHOOLS)}",
              either("Records to be forwarded to the receiving school on request.",
                     "Cumulative file transferred: yes", "Please request the student's records in writing."),
              either("Library books returned: yes", "Textbooks returned", "Fees outstanding: none"),
              either("Parent/guardian signature: ________", "Approved by the principal")]
    return lines


TYPES = {
    "Transcript": transcript,
    "Report card": report_card,
    "Birth certificate": birth_certificate,
    "Enrolment form": enrolment,
    "Immunisation record": immunisation,
    "Attendance letter": attendance_letter,
    "Incident report": incident_report,
    "Education plan": iep,
    "Consent form": consent_form,
    "Withdrawal form": withdrawal,
}


# Sentences any school document may carry, naming other types' words: reminders, notes
# and notices, so that no type is told apart by one word.
ASIDES = [
    "Report cards will be sent home at the end of term.",
    "Please make sure immunization records are up to date before the trip.",
    "Regular attendance is expected of every student.",
    "Consent forms for the museum visit are due on Friday.",
    "Transcripts are forwarded to other schools on written request.",
    "Parents may request a meeting with the form tutor at any time.",
    "A copy of the birth certificate is kept on the student's file.",
    "Behaviour expectations are set out in the student handbook.",
    "Students with an education plan receive the support described in it.",
    "When a student leaves, the records are transferred to the new school.",
    "Enrolment for next year opens in March.",
    "Grades and comments are confidential.",
    "Copy to: student file, parents.",
    "Office use only: checked ____ entered ____",
]


def document(kind):
    school = pick(SCHOOLS)
    body = TYPES[kind]()
    # A form without its title, as many are.
    if rng.random() < 0.25:
        body = body[1:]
    # Only the first part (a page of a longer record, a scan cut short).
    if rng.random() < 0.15:
        body = body[: max(4, len(body) // 2)]
    asides = rng.sample(ASIDES, rng.choice([0, 1, 1, 2, 3]))
    for a in asides:
        body.insert(rng.randint(1, len(body)), a)
    head = letterhead(school) if kind != "Birth certificate" else []
    return head + [""] + body + [""] + footer()


# --- file formats ---------------------------------------------------------------------

def pdf(lines):
    """A one- or two-page PDF with a text layer (Helvetica, WinAnsi)."""
    def esc(s):
        b = s.encode("cp1252", "replace")
        return b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    size = pick([10, 11, 12])
    x = pick([54, 72, 90])
    per_page = int((792 - 144) / (size * 1.4))
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", None,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for page in pages:
        stream = io.BytesIO()
        stream.write(b"BT /F1 %d Tf %d TL %d %d Td\n" % (size, int(size * 1.4), x, 792 - 72))
        for ln in page:
            stream.write(b"(" + esc(ln) + b") Tj T*\n")
        stream.write(b"ET")
        data = stream.getvalue()
        objs.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        content = len(objs)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content)
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def docx(lines):
    def esc(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{esc(ln)}</w:t></w:r></w:p>' for ln in lines)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in [
            ("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
            ("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
            ("word/document.xml", doc),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 4, 0, 0, 0))
            z.writestr(info, text)
    return buf.getvalue()


def scan(lines, path):
    """A page as a scanner makes it: 150 dpi, grey, a little rotated, noisy JPEG."""
    args = ["convert", "-size", "1275x1650", "xc:#f6f5f0", "-font", pick(["DejaVu-Sans", "DejaVu-Serif"]),
            "-fill", "#1e1e1e", "-pointsize", str(pick([20, 22, 24]))]
    y = 110
    x = pick([90, 110, 140])
    step = 34
    for ln in lines[:44]:
        if ln:
            args += ["-annotate", f"+{x}+{y}", ln.replace("%", "%%")]
        y += step
    args += ["-rotate", f"{rng.uniform(-1.5, 1.5):.2f}", "-attenuate", "0.15", "+noise", "Gaussian",
             "-colorspace", "Gray", "-quality", "55", "-strip", str(path)]
    subprocess.run(args, check=True)


SCANNER_NAMES = ["scan_{n:04d}", "IMG_{n:04d}", "Scan {n}", "doc{n:05d}", "SKM_C{n:04d}", "image{n}"]
OTHER_NAMES = ["document ({n})", "attachment-{n}", "file{n}", "Untitled {n}", "record_{n}"]


def file_name(kind, n, ext, is_scan):
    if is_scan:
        return pick(SCANNER_NAMES).format(n=n) + ext
    if rng.random() < 0.15:
        # Sometimes a person named it.
        return f"{kind.lower().replace(' ', '_')}_{pick(FAMILY).lower()}{ext}".replace("'", "")
    return pick(OTHER_NAMES).format(n=n) + ext


def main():
    if shutil.which("convert") is None:
        sys.exit("needs ImageMagick's convert")
    files = OUT / "files"
    if files.exists():
        shutil.rmtree(files)
    files.mkdir(parents=True)
    rows = []
    n = 0
    # In a shuffled order, so the numbers in the file names say nothing of the type.
    order = [kind for kind in TYPES for _ in range(PER_TYPE)]
    rng.shuffle(order)
    for kind in order:
        if True:
            n += 1
            lines = document(kind)
            fmt = rng.choices(["pdf", "docx", "txt", "scan"], weights=[45, 20, 15, 20])[0]
            ext = {"pdf": ".pdf", "docx": ".docx", "txt": ".txt", "scan": ".jpg"}[fmt]
            name = f"{n:03d} " + file_name(kind, rng.randint(1, 9999), ext, fmt == "scan")
            path = files / name
            if fmt == "pdf":
                path.write_bytes(pdf(lines))
            elif fmt == "docx":
                path.write_bytes(docx(lines))
            elif fmt == "txt":
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            else:
                scan(lines, path)
            rows.append((name, kind, fmt))
    with open(OUT / "labels.tsv", "w", encoding="utf-8") as f:
        f.write("file\ttype\tformat\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{len(rows)} documents of {len(TYPES)} types in {files}")


if __name__ == "__main__":
    main()

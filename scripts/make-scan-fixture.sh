#!/usr/bin/env bash
# Makes crates/cli/tests/fixtures/transcript-scan.png, the checked-in scan the CLI's
# rules test reads by OCR: a page of a made-up school's transcript with a student number,
# drawn with ImageMagick in DejaVu Sans at 150 dpi, grey and slightly rotated like a
# scanner's output. Not run by the tests (the file is checked in); kept to show how it
# was made. Needs ImageMagick and fonts-dejavu.
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/cli/tests/fixtures/transcript-scan.png
convert -size 1240x900 xc:'#f4f4f0' -font DejaVu-Sans -fill '#202020' \
  -pointsize 40 -annotate +90+120 'Westfield High School' \
  -pointsize 34 -annotate +90+220 'OFFICIAL TRANSCRIPT' \
  -pointsize 28 -annotate +90+320 'Student number: 2024-0173' \
  -annotate +90+380 'Name: Ada Okafor' \
  -annotate +90+440 'Programme: Grade 9' \
  -annotate +90+540 'Mathematics    A' \
  -annotate +90+600 'English        B+' \
  -annotate +90+660 'History        A-' \
  -rotate 0.6 -colorspace Gray -depth 8 -strip "$out"
echo "$out"

//! ODT, ODS and ODP (OpenDocument).

use super::*;

pub(super) fn content_is_encrypted(manifest: &[u8]) -> bool {
    let mut path = String::new();
    let mut encrypted = false;
    let parsed = walk(manifest, |tag| {
        match tag {
            Tag::Open("file-entry", e) => path = attr(e, "full-path").unwrap_or_default(),
            Tag::Close("file-entry") => path.clear(),
            Tag::Open("encryption-data", _) if path.trim_start_matches('/') == "content.xml" => {
                encrypted = true;
                return Flow::Stop;
            }
            _ => {}
        }
        Flow::Go
    });
    parsed.is_ok() && encrypted
}

/// The running state of a walk over an ODF content.xml.
pub(super) struct OdfState<'s> {
    pub(super) kind: OfficeKind,
    pub(super) budget: &'s mut Budget,
    pub(super) out: &'s mut OfficeText,
    /// Text of the unit being read (ODT: the document; ODS: a sheet; ODP: a slide).
    pub(super) unit: Option<String>,
    /// Depth of `text:p` / `text:h` elements.
    pub(super) para: u32,
    /// Depth of `table:table` elements (ODS: 1 is a sheet).
    pub(super) table: u32,
    pub(super) row: String,
    pub(super) row_repeat: usize,
    pub(super) cell: Option<String>,
    pub(super) cell_repeat: usize,
    /// `office:value` and friends, used when a cell has no text paragraph.
    pub(super) cell_value: Option<String>,
}

impl<'s> OdfState<'s> {
    pub(super) fn new(kind: OfficeKind, budget: &'s mut Budget, out: &'s mut OfficeText) -> Self {
        let unit = (kind == OfficeKind::Odt).then(String::new);
        let (row, cell, cell_value) = (String::new(), None, None);
        Self {
            kind,
            budget,
            out,
            unit,
            para: 0,
            table: 0,
            row,
            row_repeat: 1,
            cell,
            cell_repeat: 1,
            cell_value,
        }
    }

    pub(super) fn on(&mut self, tag: Tag<'_>) -> Flow {
        let (ods, odp, para) = (
            self.kind == OfficeKind::Ods,
            self.kind == OfficeKind::Odp,
            self.para > 0,
        );
        match tag {
            Tag::Open("annotation" | "note-citation" | "tracked-changes", _) => return Flow::Skip,
            Tag::Open("p" | "h", _) => self.para += 1,
            Tag::Close("p" | "h") if para => {
                self.para -= 1;
                self.emit("\n");
            }
            Tag::Open("tab", _) if para => self.emit("\t"),
            Tag::Open("line-break" | "note-body", _) if para => self.emit("\n"),
            Tag::Open("s", e) if para => self.emit(&" ".repeat(repeat_count(e, "c"))),
            Tag::Text(s) if para => self.emit(s),
            Tag::Open("page", _) if odp => {
                self.end_unit();
                self.unit = Some(String::new());
            }
            Tag::Close("page") if odp => self.end_unit(),
            Tag::Open("table", e) if ods => {
                self.table += 1;
                if self.table == 1 {
                    self.end_unit();
                    self.unit = Some(String::new());
                    self.out
                        .sheet_or_slide_names
                        .push(attr(e, "name").unwrap_or_default());
                }
            }
            Tag::Close("table") if ods && self.table > 0 => {
                self.table -= 1;
                if self.table == 0 {
                    self.end_unit();
                }
            }
            Tag::Open("table-row", e) if ods && self.table == 1 => {
                self.row.clear();
                self.row_repeat = repeat_count(e, "number-rows-repeated");
            }
            Tag::Open("table-cell" | "covered-table-cell", e) if ods && self.table == 1 => {
                self.cell = Some(String::new());
                self.cell_repeat = repeat_count(e, "number-columns-repeated");
                let values = [
                    "value",
                    "date-value",
                    "time-value",
                    "boolean-value",
                    "string-value",
                ];
                self.cell_value = values.iter().find_map(|name| attr(e, name));
            }
            Tag::Close("table-cell" | "covered-table-cell") if ods && self.table == 1 => {
                self.end_cell();
            }
            Tag::Close("table-row") if ods && self.table == 1 => self.end_row(),
            _ => {}
        }
        self.budget.flow()
    }

    /// Route text to the current cell (ODS) or unit (ODT, ODP).
    pub(super) fn emit(&mut self, s: &str) {
        match (&mut self.cell, &mut self.unit) {
            (Some(cell), _) if self.kind == OfficeKind::Ods => cap_push(cell, s),
            (_, Some(unit)) if self.kind != OfficeKind::Ods => self.budget.push(unit, s),
            _ => {}
        }
    }

    /// A non-empty cell joins the row, repeated as declared (capped).
    pub(super) fn end_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        let mut text = cell.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            text = self.cell_value.as_deref().unwrap_or_default();
        }
        for _ in 0..if text.is_empty() { 0 } else { self.cell_repeat } {
            if !self.row.is_empty() {
                cap_push(&mut self.row, "\t");
            }
            cap_push(&mut self.row, text);
        }
    }

    /// A non-empty row joins the sheet, repeated as declared (capped).
    pub(super) fn end_row(&mut self) {
        if let Some(unit) = &mut self.unit
            && !self.row.is_empty()
        {
            for _ in 0..self.row_repeat {
                self.budget.push(unit, &self.row);
                self.budget.push(unit, "\n");
            }
        }
        self.row.clear();
    }

    pub(super) fn end_unit(&mut self) {
        if let Some(unit) = self.unit.take() {
            let n = unit_number(self.out.units.len());
            self.out.units.push((n, finish(&unit)));
        }
    }
}

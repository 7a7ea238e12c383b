//! The workbook's package, written here rather than by rust_xlsxwriter so
//! that rows can be made on the workers ([`super::cells`]) and compressed as
//! they arrive, at a fast level, while the other plans are checked.
//!
//! Each sheet streams its rows through a raw deflate encoder into a
//! temporary file; nothing of a row is kept once it is written. A sheet's
//! opening (its `<dimension>` names the last row) is known only at the
//! end: it is compressed then, on its own and ended by a sync flush, and
//! put before the rows' stream, which a deflate stream allows (pigz joins
//! streams the same way); the CRC-32s are combined. The zip archive
//! around the parts is [`crate::render::package`].

use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

use flate2::write::DeflateEncoder;
use flate2::Compression;

use super::cells::{Rows, NUM, ROW};
use crate::render::package::{Entry, Zip};

/// Excel's limit on a sheet's rows.
pub const MAX_ROWS: u32 = 1_048_576;

/// Spreadsheets are written once and read rarely: the fastest level
/// writes files about half as large again as the default level (1.41 MB
/// against 0.91 MB for 2,000 plans) for a fraction of the time.
fn level() -> Compression {
    Compression::fast()
}

/// A sheet being written.
pub(super) struct Sheet {
    name: String,
    /// Column widths, in characters.
    widths: Vec<u32>,
    /// The next row's index (0-based); the header is row 0.
    next: u32,
    /// The last row written with cells (1-based), for `<dimension>`.
    last: u32,
    /// Rows left out past Excel's limit.
    pub(super) dropped: u64,
    body: DeflateEncoder<BufWriter<File>>,
    crc: crc32fast::Hasher,
    len: u64,
    buf: Vec<u8>,
}

impl Sheet {
    /// A sheet with its header row.
    pub(super) fn new(name: String, widths: Vec<u32>, header: &Rows) -> io::Result<Sheet> {
        let spool = BufWriter::with_capacity(1 << 16, tempfile::tempfile()?);
        let mut sheet = Sheet {
            name,
            widths,
            next: 0,
            last: 0,
            dropped: 0,
            body: DeflateEncoder::new(spool, level()),
            crc: crc32fast::Hasher::new(),
            len: 0,
            buf: Vec::new(),
        };
        sheet.append_within(&header.xml, 1)?;
        Ok(sheet)
    }

    /// Appends rows, numbering them; rows past Excel's limit (the last row
    /// is kept for the note saying how many were left out) are counted.
    pub(super) fn append(&mut self, xml: &[u8]) -> io::Result<()> {
        self.append_within(xml, MAX_ROWS - 1)
    }

    /// Appends the note on rows left out, in the sheet's last row.
    pub(super) fn note(&mut self, rows: &Rows) -> io::Result<()> {
        self.next = MAX_ROWS - 1;
        self.append_within(&rows.xml, MAX_ROWS)
    }

    fn append_within(&mut self, xml: &[u8], limit: u32) -> io::Result<()> {
        self.buf.clear();
        let mut num = Digits::new(0);
        let mut i = 0;
        while let Some(k) = memchr::memchr2(ROW, NUM, &xml[i..]) {
            let at = i + k;
            self.buf.extend_from_slice(&xml[i..at]);
            i = at + 1;
            if xml[at] == NUM {
                self.buf.extend_from_slice(num.as_bytes());
                continue;
            }
            if self.next >= limit {
                self.dropped += 1;
                i = memchr::memchr(ROW, &xml[i..]).map_or(xml.len(), |j| i + j);
                continue;
            }
            self.next += 1;
            num = Digits::new(self.next);
            // A row without cells has no element (its `ROW` mark is all).
            if i < xml.len() && xml[i] != ROW {
                self.last = self.next;
                self.buf.extend_from_slice(b"<row r=\"");
                self.buf.extend_from_slice(num.as_bytes());
                self.buf.extend_from_slice(b"\">");
            }
        }
        self.buf.extend_from_slice(&xml[i..]);
        self.crc.update(&self.buf);
        self.len += self.buf.len() as u64;
        self.body.write_all(&self.buf)
    }

    /// The sheet's cell range for the autofilter: the header and the data
    /// rows, not the note.
    fn filter_ref(&self) -> String {
        format!(
            "A1:{}{}",
            last_column(&self.widths),
            self.next.min(MAX_ROWS - 1)
        )
    }
}

/// A row number's decimal digits, without allocating (one per row).
struct Digits {
    buf: [u8; 10],
    start: usize,
}

impl Digits {
    fn new(mut n: u32) -> Self {
        let mut buf = [0; 10];
        let mut start = buf.len();
        loop {
            start -= 1;
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                return Digits { buf, start };
            }
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn last_column(widths: &[u32]) -> char {
    char::from(b'A' + (widths.len().max(1) - 1) as u8)
}

/// A column width as Excel stores it: characters of the default font
/// (maximum digit width 7 pixels, padding 5), rounded down to 1/256.
fn width(chars: u32) -> f64 {
    let px = chars * 7 + 5;
    f64::from(px * 256 / 7) / 256.0
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// A sheet's XML before its rows.
fn opening(sheet: &Sheet, selected: bool) -> String {
    use std::fmt::Write;
    let mut s = String::from(XML_DECL);
    s.push_str("<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">");
    let _ = write!(
        s,
        "<dimension ref=\"A1:{}{}\"/>",
        last_column(&sheet.widths),
        sheet.last.max(1)
    );
    s.push_str(if selected {
        "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
    } else {
        "<sheetViews><sheetView workbookViewId=\"0\">"
    });
    s.push_str("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>");
    // Neighbouring columns of one width share an element.
    let mut c = 0;
    while c < sheet.widths.len() {
        let w = sheet.widths[c];
        let mut end = c;
        while end + 1 < sheet.widths.len() && sheet.widths[end + 1] == w {
            end += 1;
        }
        let _ = write!(
            s,
            "<col min=\"{}\" max=\"{}\" width=\"{}\" customWidth=\"1\"/>",
            c + 1,
            end + 1,
            width(w)
        );
        c = end + 1;
    }
    s.push_str("</cols><sheetData>");
    s
}

/// A sheet's XML after its rows.
fn closing(sheet: &Sheet) -> String {
    format!(
        "</sheetData><autoFilter ref=\"{}\"/><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>",
        sheet.filter_ref()
    )
}

/// Writes the workbook: its parts, then each sheet's opening and rows.
pub(super) fn save(sheets: Vec<Sheet>, w: &mut dyn Write) -> io::Result<()> {
    let mut zip = Zip::new(w);
    let n = sheets.len();
    // One compressor for the small parts: a new one zeroes a few hundred
    // kilobytes of tables, each time.
    let mut packer = DeflateEncoder::new(Vec::new(), level());
    let part = |zip: &mut Zip, packer: &mut DeflateEncoder<Vec<u8>>, name: &str, text: &str| {
        let packed = deflate(packer, text.as_bytes(), true)?;
        zip.packed(name, text.as_bytes(), &packed)
    };
    part(
        &mut zip,
        &mut packer,
        "[Content_Types].xml",
        &content_types(n),
    )?;
    part(&mut zip, &mut packer, "_rels/.rels", RELS)?;
    part(
        &mut zip,
        &mut packer,
        "xl/_rels/workbook.xml.rels",
        &workbook_rels(n),
    )?;
    part(&mut zip, &mut packer, "xl/theme/theme1.xml", THEME)?;
    part(&mut zip, &mut packer, "xl/styles.xml", STYLES)?;
    part(&mut zip, &mut packer, "xl/workbook.xml", &workbook(&sheets))?;
    let names: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    for (i, mut sheet) in sheets.into_iter().enumerate() {
        let close = closing(&sheet);
        sheet.body.write_all(close.as_bytes())?;
        sheet.crc.update(close.as_bytes());
        sheet.len += close.len() as u64;
        let open = opening(&sheet, i == 0);
        let head = deflate(&mut packer, open.as_bytes(), false)?;
        let mut crc = crc32fast::Hasher::new();
        crc.update(open.as_bytes());
        crc.combine(&sheet.crc);
        let mut spool = sheet
            .body
            .finish()?
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        let packed = spool.stream_position()?;
        spool.rewind()?;
        let entry = Entry {
            deflated: true,
            crc: crc.finalize(),
            size: open.len() as u64 + sheet.len,
            packed: head.len() as u64 + packed,
        };
        zip.entry(&format!("xl/worksheets/sheet{}.xml", i + 1), entry, |w| {
            w.write_all(&head)?;
            copy_spool(&mut spool, w)
        })?;
    }
    part(&mut zip, &mut packer, "docProps/core.xml", CORE)?;
    part(&mut zip, &mut packer, "docProps/app.xml", &app(&names))?;
    zip.finish()
}

/// Raw deflate of `data` by `e`, reset first (the same bytes as a new
/// encoder's); `last` ends the stream, otherwise a sync flush leaves it
/// open for the next part.
fn deflate(e: &mut DeflateEncoder<Vec<u8>>, data: &[u8], last: bool) -> io::Result<Vec<u8>> {
    e.reset(Vec::with_capacity(data.len() / 2 + 64))?;
    e.write_all(data)?;
    if last {
        e.try_finish()?;
    } else {
        e.flush()?;
    }
    Ok(std::mem::take(e.get_mut()))
}

fn content_types(sheets: usize) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/><Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
    for i in 1..=sheets {
        s.push_str(&format!("<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"));
    }
    s.push_str("</Types>");
    s
}

const RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>"
);

fn workbook_rels(sheets: usize) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for i in 1..=sheets {
        s.push_str(&format!("<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"));
    }
    s.push_str(&format!("<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/><Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>", sheets + 1, sheets + 2));
    s
}

/// The workbook: its sheets and, for each sheet's autofilter, the hidden
/// name Excel keeps its range in (sorted by range, as Excel sorts them).
/// Sheet names are the catalogue's words, which need no quoting.
fn workbook(sheets: &[Sheet]) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str("<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/><workbookPr defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>");
    for (i, sheet) in sheets.iter().enumerate() {
        s.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>",
            attr(&sheet.name),
            i + 1,
            i + 1
        ));
    }
    s.push_str("</sheets><definedNames>");
    let mut names: Vec<(String, usize)> = sheets
        .iter()
        .enumerate()
        .map(|(i, sheet)| {
            let r = sheet.filter_ref();
            let (a, b) = r.split_once(':').unwrap_or((&r, &r));
            (format!("{}!{}:{}", sheet.name, absolute(a), absolute(b)), i)
        })
        .collect();
    names.sort();
    for (range, i) in names {
        s.push_str(&format!("<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" hidden=\"1\">{}</definedName>", text(&range)));
    }
    s.push_str("</definedNames><calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
    s
}

/// `A1` as `$A$1`.
fn absolute(cell: &str) -> String {
    let digits = cell
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(cell.len());
    format!("${}${}", &cell[..digits], &cell[digits..])
}

fn app(names: &[String]) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str(&format!("<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{0}</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"{0}\" baseType=\"lpstr\">", names.len()));
    for n in names {
        s.push_str(&format!("<vt:lpstr>{}</vt:lpstr>", text(n)));
    }
    s.push_str("</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
    s
}

fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;")
}

/// A fixed creation date, not the clock: the same input gives the same
/// workbook.
const CORE: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy><dcterms:created xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"
);

/// Two cell formats: the default, and bold for the header rows.
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"2\"><font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font><font><b/><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/></cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>"
);

/// Excel's default Office theme, which the fonts' colours refer to.
const THEME: &str = include_str!("../assets/theme1.xml");

/// How much of a sheet's spool is given back at a time: megabytes for a
/// large scan, which 8 KB at a time (the standard buffers) cost thousands
/// of system calls.
const SPOOL_CHUNK: usize = 1 << 20;

/// A spool, from where it stands to its end, copied to `w`: any writer, so
/// `io::copy` would go 8 KB at a time.
fn copy_spool(spool: &mut std::fs::File, w: &mut dyn Write) -> io::Result<()> {
    use std::io::{Read, Seek};
    let left = spool
        .metadata()?
        .len()
        .saturating_sub(spool.stream_position()?);
    // A small spool (one plan's sheet) is not given a megabyte to fill.
    let mut buf = vec![0; usize::try_from(left).map_or(SPOOL_CHUNK, |n| n.clamp(1, SPOOL_CHUNK))];
    loop {
        match spool.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => w.write_all(&buf[..n])?,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

//! `ovop criteria template`: the workbook an OCOP office types its official scoring sheet of
//! Decision 148/QĐ-TTg into (`assets/criteria/template-ocop-148.xlsx` is this command's
//! output, and a test keeps the two in step). The settings and the frame of parts and sections
//! are filled; the criteria rows are the office's to type, since the item-level annexes of 148
//! are not public. What is not certain is said in a `#remark` row, which travels with the set.

use std::path::Path;

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use crate::{CliError, CliResult};
use ovop_core::Code;

/// The sheet's name in the workbook.
pub const SHEET: &str = "Phiếu 148";

/// The columns of the level rows, in order.
const HEADER: [&str; 16] = [
    "part",
    "part_name",
    "part_name.en",
    "section",
    "section_name",
    "code",
    "criterion",
    "points",
    "level",
    "scale",
    "applies_if",
    "knockout",
    "knockout_text",
    "evidence",
    "documents",
    "note",
];

/// A row of the template, with what it is (for its look).
enum Row {
    Setting(&'static [&'static str]),
    Note(&'static str),
    Header,
    Part(&'static str, &'static str, &'static str),
    Section(&'static str, &'static str),
}

/// Every row of the template, top to bottom.
fn rows() -> Vec<Row> {
    use Row::*;
    vec![
        Note("MẪU PHIẾU ĐÁNH GIÁ OCOP theo Quyết định 148/QĐ-TTg. Sửa các dòng cài đặt (#) có chữ \"thay\", rồi nhập tiêu chí dưới mỗi mục: mỗi mức điểm một dòng. Dòng #note không được đọc."),
        Note("OCOP SCORING SHEET TEMPLATE, Decision 148/QĐ-TTg. Change the settings rows (#) that say \"thay\" (replace), then type the criteria under each section, one row per level. #note rows are not read."),
        Setting(&["#id", "ocop-148-thay-ma-bo-san-pham"]),
        Setting(&["#version", "2023.1"]),
        Setting(&["#programme", "ocop"]),
        Setting(&["#status", "official"]),
        Setting(&["#language", "vi"]),
        Setting(&["#name", "vi", "Phiếu đánh giá OCOP: thay bằng tên bộ sản phẩm"]),
        Setting(&["#name", "en", "OCOP scoring sheet: replace with the product set's name"]),
        Setting(&["#product_set", "00", "Thay bằng tên bộ sản phẩm"]),
        Note("#product_set: dùng cùng mã bộ sản phẩm như phiếu 1048 trong ứng dụng (ví dụ 02 cho chế biến từ gạo, ngũ cốc), để phiếu 148 thay thế phiếu 1048 của bộ đó."),
        Setting(&["#legal_basis", "Quyết định 148/QĐ-TTg ngày 24/02/2023"]),
        Setting(&["#effective_from", "2023-02-24"]),
        Setting(&["#max_total", "100"]),
        Setting(&["#part_max", "A", "40"]),
        Setting(&["#part_max", "B", "25"]),
        Setting(&["#part_max", "C", "35"]),
        Setting(&["#stars", "1:0", "2:30", "3:50", "4:70", "5:90"]),
        Setting(&["#rounding", "none"]),
        Setting(&["#max_divergence", "10"]),
        Setting(&["#remark", "vi", "Hạng sao theo tổng điểm (Quyết định 148): 1 sao dưới 30 điểm, 2 sao 30–49, 3 sao 50–69, 4 sao 70–89, 5 sao 90–100. Chưa xác nhận với văn bản chính thức: cách làm tròn điểm trung bình lẻ của hội đồng (ở đây không làm tròn), mức chênh lệch tối đa 10 điểm giữa các thành viên (lấy theo Quyết định 1048/781), và tên các mục, lấy theo cấu trúc phiếu 1048 (phần C khác nhau theo bộ sản phẩm)."]),
        Note("Nhập tiêu chí dưới mỗi mục: mã (1.1, 1.2 …), nội dung tiêu chí ở dòng đầu, rồi mỗi mức điểm một dòng (cột points và level); để trống part, section và code ở các mức tiếp theo. / Type each criterion under its section: its code and text on its first row, then one row per level (points and level); leave part, section and code blank on the next levels."),
        Header,
        Part("A", "Sản phẩm và sức mạnh cộng đồng", "Product and community strength"),
        Section("1", "Tổ chức sản xuất"),
        Note("↓ Mục 1: nhập tiêu chí 1.1, 1.2 … ở đây / type section 1's criteria here"),
        Section("2", "Phát triển sản phẩm"),
        Note("↓ Mục 2: nhập tiêu chí 2.1, 2.2 … ở đây / type section 2's criteria here"),
        Section("3", "Sức mạnh cộng đồng"),
        Note("↓ Mục 3: nhập tiêu chí 3.1, 3.2 … ở đây / type section 3's criteria here"),
        Part("B", "Khả năng tiếp thị", "Marketing capability"),
        Section("4", "Tiếp thị"),
        Note("↓ Mục 4: nhập tiêu chí 4.1, 4.2 … ở đây / type section 4's criteria here"),
        Section("5", "Câu chuyện về sản phẩm"),
        Note("↓ Mục 5: nhập tiêu chí 5.1, 5.2 … ở đây / type section 5's criteria here"),
        Part("C", "Chất lượng sản phẩm", "Product quality"),
        Section("6", "Chất lượng sản phẩm: thay bằng tên mục theo phụ lục của bộ sản phẩm"),
        Note("↓ Mục 6: nhập tiêu chí ở đây; phần C của mỗi bộ sản phẩm có các mục riêng: thêm dòng mục 7, 8 … như dòng mục 6 / type section 6's criteria here; add sections 7, 8 … like section 6"),
    ]
}

/// The template's cells as text, row by row, as a spreadsheet reader gives them back.
pub fn cells() -> Vec<Vec<String>> {
    rows()
        .into_iter()
        .map(|row| match row {
            Row::Setting(values) => values.iter().map(|v| v.to_string()).collect(),
            Row::Note(text) => vec!["#note".to_string(), text.to_string()],
            Row::Header => HEADER.iter().map(|h| h.to_string()).collect(),
            Row::Part(code, name, english) => {
                vec![code.to_string(), name.to_string(), english.to_string()]
            }
            Row::Section(code, name) => vec![
                String::new(),
                String::new(),
                String::new(),
                code.to_string(),
                name.to_string(),
            ],
        })
        .collect()
}

fn workbook() -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    // A fixed date, so that the same template gives the same file.
    let created = ExcelDateTime::from_ymd(2023, 2, 24)?;
    book.set_properties(
        &DocProperties::new()
            .set_title("OCOP 148: mẫu phiếu đánh giá")
            .set_creation_datetime(&created),
    );
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let setting = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0x1E5B3A));
    let note = Format::new()
        .set_italic()
        .set_font_color(Color::RGB(0x5D6B61));
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xEEF2EC));
    let part = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDFF0E2));
    let section = Format::new().set_bold();
    let plain = Format::new();
    let kinds = rows();
    let mut header_row = 0;
    for (r, (cells, kind)) in cells().iter().zip(&kinds).enumerate() {
        let r = r as u32;
        let look = match kind {
            Row::Setting(_) => &plain,
            Row::Note(_) => &note,
            Row::Header => {
                header_row = r;
                &header
            }
            Row::Part(..) => &part,
            Row::Section(..) => &section,
        };
        for (c, text) in cells.iter().enumerate() {
            let c = c as u16;
            let look = match kind {
                Row::Setting(_) if c == 0 => &setting,
                _ => look,
            };
            if text.is_empty() {
                continue;
            }
            // Whole numbers are numbers in the workbook (a version like 2023.1 stays text).
            match text.parse::<u32>() {
                Ok(n) if n.to_string() == *text => {
                    sheet.write_number_with_format(r, c, f64::from(n), look)?
                }
                _ => sheet.write_string_with_format(r, c, text, look)?,
            };
        }
    }
    for (c, width) in [7, 30, 26, 8, 32, 8, 44, 7, 50, 14, 11, 18, 30, 30, 12, 24]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    Ok(book)
}

/// Writes the template to `output`.
pub fn write(output: &Path) -> CliResult {
    let fail = |e: XlsxError| {
        CliError::new(
            Code::ExportWrite.as_str(),
            format!("cannot write {}: {e}", output.display()),
        )
    };
    workbook()
        .and_then(|mut book| book.save(output))
        .map_err(fail)?;
    println!("{}", output.display());
    Ok(())
}

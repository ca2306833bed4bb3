#!/usr/bin/env python3
"""Convert the OCOP 1048/781 source transcriptions into shipped criteria sets.

Run from the repository root (Python 3, standard library only):

    python3 tools/criteria/convert_ocop_1048.py

Reads  assets/criteria/sources/ocop-1048/NN-*.json   (25 product sets, 01..26 without 10;
       the transcriptions of the scoring sheets of Decision 1048/QĐ-TTg as amended by
       781/QĐ-TTg; set 10 is not among the sources and is not written)
writes assets/criteria/sets/ocop-1048-NN.json          (the format of crates/core/src/criteria.rs)

The output is deterministic: the same sources give byte-identical files
(`json.dumps(obj, ensure_ascii=False, indent=2) + "\\n"`). It prints a table of every rule it
encoded (knock-outs, applicability, alternative scales, group headings, renamed codes,
evidence hints taken from notes), the notes it could not classify, and one summary line per set.
It stops with an error when a source holds something the rules below do not foresee (a level
restart it cannot label, a foreign-matter example it has no word for, a reference that does not
resolve, a second knock-out on one criterion), so a changed source cannot slip through; a note,
or a certificate condition, that no rule recognises is listed under NOTES NOT CLASSIFIED.

What it does, and every judgement it makes
==========================================

Identity. `format` 1, `id` "ocop-1048-NN" (NN = the source file's number), `version`
"781-2020", `programme` "ocop", `status` "transcription", `language` "vi", `legal_basis` the two
decisions, `effective` 2019-08-21 .. 2023-02-24 (replaced by 148/QĐ-TTg), `product_sets` one
entry with code NN. `name` is "Phiếu đánh giá OCOP: <product set as printed>" with English and
Indonesian names from the table PRODUCT_SETS (our translations). `source` is copied.

Scoring. `max_total` 100; parts A/B/C keep the 1048 split 35/25/40 even where the levels add up
to less (part C of sets 21, 23 and 24 adds up to 38): the mismatch is declared, never fixed.
Stars: no rounding, bands 0/30/50/70/90 for 1..5 stars. Council: maximum divergence 10 points.
`minimum_requirements` is empty: the per-star requirements of 781/QĐ-TTg are not in the source.

Structure. Part codes and names are the source's (names translated in PART_NAMES). A section
printed "1.TỔ CHỨC SẢN XUẤT" becomes code "1", name {vi: "TỔ CHỨC SẢN XUẤT"} (vi only). A
criterion printed "1.1. Nguồn nguyên liệu" becomes code "1.1", text {vi: "Nguồn nguyên liệu"};
"6.2.Hình dang" and "9.1 Hiệu quả..." (missing space or dot) parse the same way. A criterion
with an empty name is the section itself: code = section code, text = section name. Texts are
kept as printed, typing slips included ("Hình dang", "nguyên Iiệu", "VỊ nước"); the only
repair is in notes, where the literal "rn" that stands for a line break (after ")", ":" or
"…", before a capital or "-") becomes "\\n".

Group headings (sets 01, 06). A criterion without levels is a heading ("6.1. Ngoại hình"): it
becomes a section `groups` entry and is not a criterion; the criteria after it whose code
starts with the heading's code get `group`. The source's `parent_question` marks exactly these
criteria (checked). A heading's note (in 01 and 06 the foreign-matter warning printed under
"6.1 Ngoại hình") is moved to the group's "Tạp chất lạ" criterion (6.1.1), the criterion the
warning is about, and classified there (a stop knock-out).

Codes printed twice. A code already used in the set keeps its first use; the next one gets
"-2" ("6.1.3-2" in set 06, where "6.1.3. Mùi" follows "6.1.3. Màu sắc"), with a `known_defects`
entry `source_duplicate_code` and a remark. Numbering gaps (set 16 and 24 go from 6.3 to 6.5,
set 18 from section 7 to 9) are kept as printed and stated in a remark.

Alternative scales. A criterion whose points drop in printed order restarts a scale there. It
must either be 3.2 "Sự tham gia của cộng đồng trong quản lý, điều hành" (note "Lựa chọn một
trong hai trường hợp sau"; scale a = share of local senior managers, scale b = whether the
director/household head is local) or one of the three criteria of set 08 below; anything else
stops the script. Set 08 (community tourism services and tourist sites), sections 9, 10 and 16
print levels [1,2,3,1,2,3], [1,2,1,2], [1,3,1,3]. Reading the texts, the first run speaks of
the share of the community's service establishments (business-eligibility certificates, fire
safety in 75 % / 100 % of establishments, village infrastructure meeting the new-rural
standard) and the second of one establishment (its own registration and certificate, its own
fire safety staff, its own power, water and internet): they are alternative scales, a =
community tourism (several establishments), b = a tourist site (one establishment). Set 08's
3.2 ([1,2,1,2]) is the usual 3.2 split. Levels that repeat a value inside one scale (set 02
6.2 prints two levels worth 3) are not a restart: they stay and are declared.

Applicability. A note "Chỉ áp dụng khi có câu chuyện" (5.2, 5.3) gives `applies_if` on the
section's story criterion (the criterion of the same section before it whose 0-point level
reads "Không có câu chuyện"; 5.1 in every set), `min_points` 1. Checked per set: it exists,
comes before, and its 0-point level means "no story". Level 1 of 5.1 is "Có tài liệu giới thiệu
về sản phẩm" (introduction material only); we read "có câu chuyện" as "5.1 above 0" as the
brief says, and a remark tells offices they may raise `min_points` to 2.

Knock-outs (the note is kept as well; at most one per criterion, else the script stops):
  * "Bị loại nếu <condition>" (1.1 raw material) and "Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ
    bị loại bỏ" (design criteria of 13, 19, 20): trigger observed, effect disqualify.
  * Foreign matter: "Nếu có (các) tạp chất ... sẽ không đánh giá các bước tiếp theo" and "Không
    xem xét các chỉ tiêu khác nếu sản phẩm có các tạp chất ...": observed, stop. The text is the
    condition as printed; the English and Indonesian texts list the printed examples through
    FOREIGN_MATTER.
  * Certificates: "Không đánh giá các bước tiếp theo nếu <certificate> không phù hợp / không
    có <certificate>": observed, stop; translations in CERTIFICATES.
  * "Nếu bị 0 Điểm, sẽ không đánh giá các bước tiếp theo" (set 03, 6.1): points_at_most 0, stop.
  * "Nếu được 0 điểm tại một trong các chỉ tiêu trên, sẽ không đánh giá các bước tiếp theo"
    (set 14, printed on 6.4): "the criteria above" read as every criterion of the sensory section
    up to and including the one carrying the note (6.1, 6.2, 6.3, 6.4); each gets points_at_most
    0, stop. The note stays on 6.4 only.
  Criteria whose foreign-matter line has no note (set 11, 6.1) get no knock-out.

Evidence hints (`evidence`, vi/en/id, written by us, short). A note that names a document
gives the hint (periodic test reports, product standard with test report, nutrient test
report, declared-standard check, efficacy evidence, research records); otherwise common
criteria get a hint from their name (NAME_EVIDENCE): raw material, chain linkage, environment,
organisation, management, local labour, growth, accounting, marketing (section "TIẾP THỊ"),
story (5.1), quality declaration, periodic tests, quality assurance (food-safety or production
certificate, by the note), global market, raw-material standard (GACP-WHO). Other notes are
explanations of the criterion and are only kept as notes.

Defects. The script re-implements the warnings of crates/core/src/validate.rs (imported from
check_sets.py: part and total sums against the declared maxima, equal or descending points
within one scale) and writes one `known_defects` entry per finding, path = printed criterion
code, part code or `max_total`, followed by the source defects it handled
(`source_duplicate_code`). Nothing is maintained by hand.
"""

import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_sets import warning_findings  # noqa: E402  (same folder, standard library only)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "assets" / "criteria" / "sources" / "ocop-1048"
OUT = ROOT / "assets" / "criteria" / "sets"


def T(vi, en, id_):
    """A Text in the sheet's language first."""
    return {"vi": vi, "en": en, "id": id_}


class SourceError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

PRODUCT_SETS = {
    "01": ("Fresh and processed tea", "Teh segar dan olahan"),
    "02": ("Processed rice and cereal products", "Produk olahan beras dan serealia"),
    "03": ("Processed vegetable, tuber, fruit and nut products", "Produk olahan sayur, umbi, buah dan biji-bijian"),
    "04": ("Processed meat, egg and dairy products", "Produk olahan daging, telur dan susu"),
    "05": ("Processed fish and seafood products", "Produk olahan ikan dan hasil laut"),
    "06": ("Coffee and cocoa", "Kopi dan kakao"),
    "07": ("Other tea products", "Produk teh lainnya"),
    "08": ("Community tourism services and tourist sites", "Layanan wisata berbasis masyarakat dan destinasi wisata"),
    "09": ("Other spices and seasonings", "Bumbu dan rempah lainnya"),
    "11": ("Honey, honey products and other syrups", "Madu, produk olahan madu dan sirup lainnya"),
    "12": ("Cosmetics", "Kosmetik"),
    "13": ("Textiles and garments", "Tekstil dan pakaian jadi"),
    "14": ("Natural mineral water and purified drinking water", "Air mineral alami dan air minum murni"),
    "15": ("Fresh vegetables, tubers, fruit and nuts", "Sayur, umbi, buah dan biji-bijian segar"),
    "16": ("White spirits (distilled rice liquor)", "Minuman keras sulingan (arak putih)"),
    "17": ("Other herbal products", "Produk herbal lainnya"),
    "18": ("Fresh meat, eggs and milk", "Daging, telur dan susu segar"),
    "19": ("Household handicrafts", "Kerajinan tangan rumah tangga"),
    "20": ("Decorative handicrafts", "Kerajinan tangan dekoratif"),
    "21": ("Dietary supplements, herbal medicines and traditional medicines",
           "Suplemen makanan, obat bahan alam dan obat tradisional"),
    "22": ("Medical equipment and devices", "Peralatan dan alat kesehatan"),
    "23": ("Sauces, fish sauce and other liquid seasonings", "Saus, kecap ikan dan bumbu cair lainnya"),
    "24": ("Other alcoholic drinks", "Minuman beralkohol lainnya"),
    "25": ("Non-alcoholic drinks", "Minuman non-alkohol"),
    "26": ("Fast food (ready-to-eat dishes)", "Makanan siap saji"),
}

PART_NAMES = {
    "Sản phẩm và sức mạnh cộng đồng": ("Product and community strength", "Produk dan kekuatan masyarakat"),
    "Khả năng tiếp thị": ("Marketing capability", "Kemampuan pemasaran"),
    "Chất lượng sản phẩm": ("Product quality", "Mutu produk"),
}
PART_MAX = {"A": 35, "B": 25, "C": 40}

REMARKS = [
    T("Câu chữ được lấy từ một bản chép công khai các phụ lục của Quyết định và có thể khác với phụ lục chính thức.",
      "The wording comes from a public transcription of the decision's annexes and may differ from the official annex.",
      "Teks diambil dari transkripsi publik lampiran keputusan dan dapat berbeda dari lampiran resmi."),
    T("Quyết định không nêu cách làm tròn điểm trung bình lẻ của hội đồng: bộ tiêu chí này không làm tròn "
      "(89,5 điểm vẫn là 4 sao); cơ quan quản lý có thể đổi stars.rounding.",
      "The decision does not state how a council's fractional average is rounded: this set uses no rounding "
      "(89.5 stays 4 stars); an office can change stars.rounding.",
      "Keputusan tidak menyebutkan cara membulatkan nilai rata-rata dewan yang berupa pecahan: set ini tidak "
      "membulatkan (89,5 tetap bintang 4); kantor dapat mengubah stars.rounding."),
    T("Các yêu cầu tối thiểu theo hạng sao do Quyết định 781/QĐ-TTg bổ sung không có trong bản chép nguồn nên chưa được mã hóa.",
      "The minimum requirements per star added by Decision 781/QĐ-TTg are not in the source transcription and are not encoded.",
      "Persyaratan minimum per bintang yang ditambahkan Keputusan 781/QĐ-TTg tidak ada dalam transkripsi sumber dan tidak dikodekan."),
    T("Gợi ý minh chứng do nhóm biên soạn thêm dựa trên ghi chú của phiếu và hồ sơ thường gặp; đó không phải là văn bản chính thức.",
      "Evidence hints were added by the editors from the sheet's notes and the usual dossier; they are not official text.",
      "Petunjuk bukti ditambahkan oleh penyusun dari catatan lembar penilaian dan berkas yang lazim; itu bukan teks resmi."),
]

STORY_REASON = T("Chỉ áp dụng khi có câu chuyện", "Only when the product has a story", "Hanya jika produk memiliki cerita")

SCALES_3_2 = [
    {"id": "a", "label": T("Tỷ lệ thành viên quản trị cao cấp là người trong tỉnh",
                           "Share of senior managers who are from the province",
                           "Porsi pengurus senior yang berasal dari provinsi setempat")},
    {"id": "b", "label": T("Giám đốc/Chủ hộ có phải là người trong tỉnh",
                           "Whether the director or household head is from the province",
                           "Apakah direktur atau kepala rumah tangga berasal dari provinsi setempat")},
]
SCALES_TOURISM = [
    {"id": "a", "label": T("Cộng đồng du lịch (nhiều cơ sở dịch vụ)",
                           "Community tourism (several service establishments)",
                           "Wisata berbasis masyarakat (beberapa usaha jasa)")},
    {"id": "b", "label": T("Điểm du lịch (một cơ sở)",
                           "Tourist site (one establishment)",
                           "Destinasi wisata (satu usaha)")},
]
TOURISM_SCALED_SECTIONS = {"9", "10", "16"}  # set 08, see the docstring

# Foreign-matter examples printed in the notes -> (English, Indonesian).
FOREIGN_MATTER = {
    "đất": ("soil", "tanah"),
    "côn trùng": ("insects", "serangga"),
    "lông": ("hair", "rambut/bulu"),
    "len": ("fibres", "serat"),
    "mẩu gỗ": ("wood chips", "serpihan kayu"),
    "cát": ("sand", "pasir"),
    "nhựa": ("plastic", "plastik"),
    "mốc nguy hại": ("harmful mould", "jamur berbahaya"),
    "ruồi bọ": ("flies and bugs", "lalat dan kutu"),
    "cát sỏi": ("sand and gravel", "pasir dan kerikil"),
}

# Certificate conditions ("Không đánh giá các bước tiếp theo nếu ...") -> (English, Indonesian).
CERTIFICATES = {
    "chứng nhận đủ điều kiện attp (hoặc tương đương) không phù hợp theo quy định": (
        "The food-safety eligibility certificate (or equivalent) does not conform to the regulations",
        "Sertifikat kelayakan keamanan pangan (atau yang setara) tidak sesuai ketentuan"),
    "giấy chứng nhận đủ điều kiện attp (hoặc tương đương) không phù hợp theo quy định": (
        "The food-safety eligibility certificate (or equivalent) does not conform to the regulations",
        "Sertifikat kelayakan keamanan pangan (atau yang setara) tidak sesuai ketentuan"),
    "giấy chứng nhận đủ điều kiện sản xuất không phù hợp theo quy định": (
        "The certificate of eligibility for production does not conform to the regulations",
        "Sertifikat kelayakan produksi tidak sesuai ketentuan"),
    "không có giấy chứng nhận đủ điều kiện sản xuất theo quy định": (
        "There is no certificate of eligibility for production as the regulations require",
        "Tidak ada sertifikat kelayakan produksi sebagaimana diwajibkan ketentuan"),
    "không có phiếu công bố sản phẩm mỹ phẩm theo quy định": (
        "There is no cosmetic product notification receipt as the regulations require",
        "Tidak ada bukti notifikasi produk kosmetik sebagaimana diwajibkan ketentuan"),
    "không có phiếu tiếp nhận hồ sơ công bố tiêu chuẩn áp dụng theo quy định": (
        "There is no receipt of the declaration of applicable standards as the regulations require",
        "Tidak ada tanda terima deklarasi standar yang diterapkan sebagaimana diwajibkan ketentuan"),
    "không có hồ sơ công bố tiêu chuẩn sản phẩm theo quy định": (
        "There is no product standard declaration as the regulations require",
        "Tidak ada deklarasi standar produk sebagaimana diwajibkan ketentuan"),
}

RAW_MATERIAL = {
    "không rõ nguồn gốc": ("All raw material is imported or of unknown origin",
                           "Seluruh bahan baku diimpor atau asal-usulnya tidak jelas"),
    "không có nguồn gốc": ("All raw material is imported or has no documented origin",
                           "Seluruh bahan baku diimpor atau tidak memiliki asal-usul yang jelas"),
}

# Evidence hints (editors' text, short).
E = {
    "raw": T("Hợp đồng, hóa đơn mua nguyên liệu; xác nhận nguồn gốc nguyên liệu của UBND xã",
             "Raw-material purchase contracts and invoices; commune confirmation of origin",
             "Kontrak dan faktur pembelian bahan baku; surat keterangan asal dari pemerintah komune"),
    "link": T("Hợp đồng, thỏa thuận liên kết với hộ, tổ chức tham gia",
              "Linkage contracts or agreements with the households and organisations involved",
              "Kontrak atau perjanjian kemitraan dengan rumah tangga dan lembaga yang terlibat"),
    "env": T("Hồ sơ đánh giá tác động môi trường/kế hoạch bảo vệ môi trường; minh chứng thực hiện",
             "Environmental impact assessment or environmental protection plan; proof it is applied",
             "Dokumen AMDAL atau rencana perlindungan lingkungan; bukti penerapannya"),
    "org": T("Giấy chứng nhận đăng ký kinh doanh/doanh nghiệp/HTX; cơ cấu vốn góp",
             "Business registration certificate (household, enterprise or cooperative); capital structure",
             "Sertifikat pendaftaran usaha (rumah tangga, perusahaan atau koperasi); struktur modal"),
    "mgmt": T("Danh sách ban giám đốc/HĐQT/HĐTV và nơi cư trú",
              "List of directors and board members with their place of residence",
              "Daftar direksi dan pengurus beserta domisilinya"),
    "labour": T("Danh sách lao động, hợp đồng lao động, nơi cư trú",
                "Staff list and labour contracts with places of residence",
                "Daftar tenaga kerja dan kontrak kerja beserta domisili"),
    "growth": T("Doanh thu hai năm gần nhất; báo cáo tài chính",
                "Revenue of the last two years; financial statements",
                "Omzet dua tahun terakhir; laporan keuangan"),
    "acct": T("Sổ sách kế toán; người làm kế toán",
              "Accounting books; the accounting staff",
              "Pembukuan; tenaga akuntansi"),
    "mkt": T("Hợp đồng phân phối, đại lý; website; hồ sơ tham gia hội chợ, xúc tiến thương mại",
             "Distribution and agency contracts; website; records of trade-fair participation",
             "Kontrak distribusi dan keagenan; situs web; bukti keikutsertaan pameran dagang"),
    "story": T("Tài liệu câu chuyện sản phẩm; nhãn, tờ rơi, website",
               "Story material; label, leaflet, website",
               "Materi cerita produk; label, brosur, situs web"),
    "decl": T("Hồ sơ tự công bố/công bố chất lượng, bản tiêu chuẩn sản phẩm kèm phiếu kiểm nghiệm",
              "Quality (self-)declaration and product standard with its test report",
              "Dokumen deklarasi mutu (mandiri) dan standar produk beserta laporan hasil uji"),
    "test_food": T("Phiếu kiểm nghiệm định kỳ các chỉ tiêu ATTP",
                   "Periodic food-safety test reports",
                   "Laporan hasil uji keamanan pangan berkala"),
    "test_safety": T("Phiếu kiểm nghiệm định kỳ các chỉ tiêu an toàn",
                     "Periodic safety test reports",
                     "Laporan hasil uji keamanan berkala"),
    "qa_food": T("Giấy chứng nhận đủ điều kiện ATTP; kế hoạch kiểm soát chất lượng, hồ sơ lô; chứng nhận ISO/GMP/HACCP",
                 "Food-safety eligibility certificate; quality-control plan and batch records; ISO/GMP/HACCP certificates",
                 "Sertifikat kelayakan keamanan pangan; rencana pengendalian mutu dan catatan batch; sertifikat ISO/GMP/HACCP"),
    "qa_prod": T("Giấy chứng nhận đủ điều kiện sản xuất; kế hoạch kiểm soát chất lượng, hồ sơ lô; chứng nhận ISO/GMP",
                 "Certificate of eligibility for production; quality-control plan and batch records; ISO/GMP certificates",
                 "Sertifikat kelayakan produksi; rencana pengendalian mutu dan catatan batch; sertifikat ISO/GMP"),
    "global": T("Hợp đồng, đơn hàng xuất khẩu; chứng nhận theo yêu cầu thị trường đích",
                "Export contracts or orders; certificates the target markets require",
                "Kontrak atau pesanan ekspor; sertifikat yang disyaratkan pasar tujuan"),
    "gacp": T("Chứng nhận GACP-WHO (hoặc tương đương) của nguyên liệu; hợp đồng mua nguyên liệu",
              "GACP-WHO (or equivalent) certificates of the raw material; purchase contracts",
              "Sertifikat GACP-WHO (atau setara) bahan baku; kontrak pembelian"),
    "nutr": T("Phiếu kiểm nghiệm ghi hàm lượng các chỉ tiêu dinh dưỡng",
              "Test report stating the nutrient contents",
              "Laporan hasil uji yang mencantumkan kandungan gizi"),
    "std_check": T("Đối chiếu mẫu sản phẩm với tiêu chuẩn đã công bố",
                   "Compare the samples with the declared product standard",
                   "Bandingkan sampel dengan standar produk yang dideklarasikan"),
    "efficacy": T("Dùng thử sản phẩm; tài liệu chính thống, kết quả nghiên cứu, minh chứng của người sử dụng",
                  "Trying the product; authoritative literature, research results, users' testimonies",
                  "Uji coba produk; literatur resmi, hasil penelitian, testimoni pengguna"),
    "study": T("Hồ sơ nghiên cứu, thử nghiệm",
               "Research and trial records",
               "Dokumen penelitian dan uji coba"),
}


def name_evidence(text, section_name, is_section, note):
    """Evidence hint from a criterion's name (common criteria)."""
    t, s = text.lower(), section_name.lower()
    if "tiếp thị" in s:
        return "mkt"
    if t.startswith("nguồn nguyên liệu"):
        return "raw"
    if "bảo vệ môi trường" in t:
        return "env"
    if t.startswith("liên kết"):
        return "link"
    if t.startswith("loại hình tổ chức"):
        return "org"
    if t.startswith("sự tham gia của cộng đồng"):
        return "mgmt"
    if t.startswith("sử dụng lao động địa phương"):
        return "labour"
    if t.startswith("tăng trưởng"):
        return "growth"
    if t == "kế toán":
        return "acct"
    if t.startswith("câu chuyện về sản phẩm"):
        return "story"
    if "hồ sơ công bố" in t or (is_section and s.startswith("công bố chất lượng")):
        return "decl"
    if "kiểm tra định kỳ" in t or (is_section and "kiểm tra" in s and "định kỳ" in s):
        return "test_food" if "attp" in t else "test_safety"
    if is_section and "đảm bảo chất lượng" in s:
        return "qa_food" if note and "ATTP" in note else "qa_prod"
    if is_section and "cơ hội thị trường toàn cầu" in s:
        return "global"
    if is_section and "chất lượng nguyên liệu" in s:
        return "gacp"
    return None


# --------------------------------------------------------------------------------------------
# Note classification
# --------------------------------------------------------------------------------------------

PREFIX = r"(?:(?:[Gg]hi chú|Chú ý)\s*:\s*)?"

# (rule name, pattern). Each matched span is consumed; what is left must be punctuation only.
NOTE_RULES = [
    ("scales", r"Lựa chọn một trong hai trường hợp sau:?"),
    ("applies_story", r"Chỉ áp dụng khi có câu chuyện(?:, đánh giá nội dung câu chuyện:?)?"),
    ("ko_raw", PREFIX + r"Bị loại nếu (?P<cond>sử dụng toàn bộ nguyên liệu nhập khẩu hoặc (?P<kind>không rõ|không có) nguồn gốc)"),
    ("ko_ip", PREFIX + r"Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ bị loại bỏ"),
    ("ko_foreign", PREFIX + r"Nếu (?P<cond>có (?:các )?tạp chất .+?)\s*sẽ không đánh giá các bước tiếp theo\.?"),
    ("ko_foreign", PREFIX + r"Không xem xét các chỉ tiêu khác nếu (?P<cond>sản phẩm có các tạp chất .+)$"),
    ("ko_zero", PREFIX + r"Nếu bị 0 [Đđ]iểm, sẽ không đánh giá các bước tiếp theo\.?"),
    ("ko_zero_above", PREFIX + r"Nếu được 0 điểm tại một trong các chỉ tiêu trên, sẽ không đánh giá các bước tiếp theo\.?"),
    ("ko_certificate", PREFIX + r"Không đánh giá các bước tiếp theo nếu (?P<cond>.+?)\s*$"),
    ("ev:test_food", r"\(?Phiếu kiểm nghiệm định kỳ các chỉ tiêu ATTP\)?"),
    ("ev:test_safety", r"\(?(?:Phiếu kiểm nghiệm|Hồ sơ kiểm tra) định kỳ các chỉ tiêu an toàn\)?"),
    ("ev:decl", PREFIX + r"Bản [Tt]iêu chuẩn sản phẩm cần có phiếu kiểm nghiệm các chỉ tiêu ATTP"),
    ("ev:nutr", r"Chỉ ra hàm lượng của các chỉ tiêu.*?theo phiếu kiểm nghiệm[^)]*\)"),
    ("ev:std_check", r"\(?Kiểm tra theo tiêu chuẩn công bố\)?"),
    ("ev:efficacy", PREFIX + r"\(?Sử dụng trực tiếp sản phẩm hoặc thông qua tài liệu chính thống/kết quả nghiên cứu, "
                             r"minh chứng người sử dụng[,.…]*\)"),
    ("ev:study", r"\(?Theo hồ sơ nghiên cứu, thử nghiệm,?\s*…\)?"),
    ("explains", r"Tham khảo:.*$"),
    ("explains", r"\(Khả năng sản xuất đáp ứng nhu cầu[^)]*\)"),
    ("explains", r"\(Gồm: Tổ chức kinh doanh, phân phối sản phẩm\)"),
    ("explains", r"\(?Chất lượng(?:, hiệu quả)?: Có nét riêng[^)]*\)?"),
    ("explains", r"\(Giá trị sử dụng[^)]*\)"),
    ("explains", r"\(Kiểu dáng, hoa văn[^)]*\)"),
    ("explains", r"\(Khả năng (?:thực hiện|giữ được)[^)]*\)"),
    ("explains", r"\(Khuyến khích cơ sở xây dựng, công bố Tiêu chuẩn sản phẩm\)"),
    ("explains", r"\(Mức độ sử dụng nguyên liệu có tiêu chuẩn \(GACP-WHO hoặc tương đương\)"),
    ("explains", r"Của ngoại hình trà, trà thảo mộc, …"),
    ("explains", r"Gồm: Nội dung, hình ảnh, kiểu dáng, màu sắc…"),
]
NOTE_RULES = [(name, re.compile(pat, re.S)) for name, pat in NOTE_RULES]


def fix_note(note):
    """The literal "rn" that stands for a line break -> "\\n"."""
    return re.sub(r"(?<=[):…])rn(?=[-A-ZĐÀ-Ỹ])", "\n", note)


def classify(note):
    """[(rule, match)] and the unclassified remainder ('' when fully classified)."""
    rest, hits = note, []
    for name, rx in NOTE_RULES:
        m = rx.search(rest)
        if m:
            hits.append((name, m))
            rest = rest[:m.start()] + " " + rest[m.end():]
    leftover = re.sub(r"[\s()\.,;:…\-]+", "", re.sub(r"(?i)ghi chú|chú ý", "", rest))
    return hits, (rest.strip() if leftover else "")


def cap(s):
    return s[:1].upper() + s[1:]


def foreign_matter_text(cond):
    m = re.search(r"như:?\s*(.+)$", cond)
    if not m:
        raise SourceError(f"foreign-matter note without examples: {cond!r}")
    raw = re.sub(r"[\s,]*(?:…|\.\.\.)[\s.]*$", "", m.group(1))
    examples = [x.strip().lower() for x in raw.split(",") if x.strip()]
    unknown = [x for x in examples if x not in FOREIGN_MATTER]
    if unknown:
        raise SourceError(f"no translation for foreign matter {unknown}")
    en = ", ".join(FOREIGN_MATTER[x][0] for x in examples)
    id_ = ", ".join(FOREIGN_MATTER[x][1] for x in examples)
    vi = cap(cond.strip())
    return T(vi, f"Foreign matter that puts food safety at risk, such as {en}…",
             f"Benda asing yang membahayakan keamanan pangan, seperti {id_}…")


# --------------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------------

SECTION_RE = re.compile(r"^\s*(\d+)\s*\.\s*(.+?)\s*$")
CRITERION_RE = re.compile(r"^\s*(\d+(?:\.\d+)+)\.?\s*(.*?)\s*$")


class Log:
    def __init__(self):
        self.rules = []         # (set, criterion, rule, detail)
        self.unclassified = []  # (set, criterion, note remainder)
        self.summary = []

    def rule(self, nn, code, rule, detail):
        self.rules.append((nn, code, rule, detail))


def split_scales(crit, nn, section_code, log):
    points = [lv["points"] for lv in crit["levels"]]
    restarts = [i for i in range(1, len(points)) if points[i] < points[i - 1]]
    says = crit.get("_scales_note", False)
    if not restarts:
        if says:
            raise SourceError(f"{nn} {crit['code']}: the note offers two cases but the levels do not restart")
        return
    text = crit["text"]["vi"]
    if text.startswith("Sự tham gia của cộng đồng trong quản lý"):
        scales, why = SCALES_3_2, "3.2 management (local managers / local director)"
    elif nn == "08" and crit["code"] in TOURISM_SCALED_SECTIONS and crit["code"] == section_code:
        scales, why = SCALES_TOURISM, "community tourism / tourist site"
    else:
        raise SourceError(f"{nn} {crit['code']}: levels {points} restart but no scale labels are known")
    if len(restarts) + 1 != len(scales):
        raise SourceError(f"{nn} {crit['code']}: {len(restarts) + 1} runs of levels, {len(scales)} scale labels")
    bounds = [0] + restarts + [len(points)]
    for k, sc in enumerate(scales):
        for lv in crit["levels"][bounds[k]:bounds[k + 1]]:
            lv["scale"] = sc["id"]
    crit["scales"] = [dict(s) for s in scales]
    runs = [points[bounds[k]:bounds[k + 1]] for k in range(len(scales))]
    log.rule(nn, crit["code"], "scales", f"{why}: " + " | ".join(f"{s['id']}={r}" for s, r in zip(scales, runs)))


def convert(path, log):
    nn = path.name[:2]
    src = json.loads(path.read_text(encoding="utf-8"))
    if nn not in PRODUCT_SETS:
        raise SourceError(f"{path.name}: no English/Indonesian name for product set {nn}")
    en_name, id_name = PRODUCT_SETS[nn]
    vi_name = src["product_set"].strip()

    parts, codes_used, source_defects, remarks_extra = [], set(), [], []
    pending_zero_above = []  # criteria lists for "0 điểm tại một trong các chỉ tiêu trên"

    for p in src["parts"]:
        if p["name"] not in PART_NAMES:
            raise SourceError(f"{nn}: unknown part name {p['name']!r}")
        pen, pid = PART_NAMES[p["name"]]
        part = {"code": p["code"], "name": T(p["name"], pen, pid), "max": PART_MAX[p["code"]], "sections": []}
        for s in p["sections"]:
            m = SECTION_RE.match(s["name"])
            if not m:
                raise SourceError(f"{nn}: cannot read section name {s['name']!r}")
            scode, sname = m.group(1), m.group(2)
            section = {"code": scode, "name": {"vi": sname}, "groups": [], "criteria": []}
            headings = {}  # code -> heading note
            for c in s["criteria"]:
                name = c["name"].strip()
                if name:
                    cm = CRITERION_RE.match(name)
                    if not cm:
                        raise SourceError(f"{nn}: cannot read criterion name {name!r}")
                    code, text = cm.group(1), cm.group(2)
                    if not code.startswith(scode + "."):
                        raise SourceError(f"{nn}: criterion {code} is not in section {scode}")
                else:
                    code, text = scode, sname
                note = fix_note(c["note"]) if c.get("note") else None
                if not c.get("levels"):
                    # A group heading.
                    if not name:
                        raise SourceError(f"{nn}: section {scode} has an empty criterion without levels")
                    section["groups"].append({"code": code, "text": {"vi": text}})
                    headings[code] = note
                    log.rule(nn, code, "group heading", text)
                    continue
                crit = {"code": code, "text": {"vi": text}}
                group = next((g for g in headings if code.startswith(g + ".")), None)
                if (group is None) != ("parent_question" not in c):
                    raise SourceError(f"{nn} {code}: parent_question does not match the headings")
                if group:
                    crit["group"] = group
                crit["_note"] = note
                crit["_is_section"] = not name
                crit["levels"] = [{"points": lv["points"], "text": {"vi": lv["text"].strip()}} for lv in c["levels"]]
                section["criteria"].append(crit)

            # A heading's note goes to the group's "Tạp chất lạ" criterion (else its first).
            for g, hnote in headings.items():
                members = [c for c in section["criteria"] if c.get("group") == g]
                if not members:
                    raise SourceError(f"{nn}: heading {g} has no criteria")
                if hnote:
                    target = next((c for c in members if "tạp chất" in c["text"]["vi"].lower()), members[0])
                    target["_note"] = hnote if not target["_note"] else target["_note"] + "\n" + hnote
                    log.rule(nn, target["code"], "heading note moved", f"from heading {g}")
                    remarks_extra.append(T(
                        f"Ghi chú in dưới tiêu đề nhóm {g} ({headings_text(section, g)}) được gắn vào chỉ tiêu "
                        f"{target['code']} ({target['text']['vi']}).",
                        f"The note printed under group heading {g} ({headings_text(section, g)}) is attached to "
                        f"criterion {target['code']} ({target['text']['vi']}), the criterion it is about.",
                        f"Catatan yang tercetak di bawah judul kelompok {g} ({headings_text(section, g)}) dilekatkan "
                        f"pada kriteria {target['code']} ({target['text']['vi']}), kriteria yang dimaksud."))

            # Codes printed twice.
            for crit in section["criteria"]:
                if crit["code"] in codes_used:
                    first, k = crit["code"], 2
                    while f"{first}-{k}" in codes_used:
                        k += 1
                    crit["code"] = f"{first}-{k}"
                    source_defects.append({
                        "code": "source_duplicate_code", "path": crit["code"],
                        "description": f"The source prints code {first} twice; the second one "
                                       f"({crit['text']['vi']}) is keyed {crit['code']} so that answers can tell them apart."})
                    remarks_extra.append(T(
                        f"Bản nguồn in mã {first} hai lần; chỉ tiêu thứ hai ({crit['text']['vi']}) mang mã {crit['code']}.",
                        f"The source prints code {first} twice; the second criterion ({crit['text']['vi']}) is keyed {crit['code']}.",
                        f"Sumber mencetak kode {first} dua kali; kriteria kedua ({crit['text']['vi']}) diberi kode {crit['code']}."))
                    log.rule(nn, crit["code"], "duplicate code renamed", f"printed {first}")
                codes_used.add(crit["code"])

            # Notes.
            for i, crit in enumerate(section["criteria"]):
                note = crit["_note"]
                ev = None
                if note:
                    crit["note"] = {"vi": note}
                    hits, rest = classify(note)
                    if rest:
                        log.unclassified.append((nn, crit["code"], rest))
                    for rule, m in hits:
                        if rule == "scales":
                            crit["_scales_note"] = True
                        elif rule == "applies_story":
                            set_story_condition(crit, section["criteria"][:i], nn, log)
                        elif rule == "ko_raw":
                            en, id_ = RAW_MATERIAL[m.group("kind") + " nguồn gốc"]
                            set_knockout(crit, {"when": "observed"}, "disqualify", T(cap(m.group("cond")), en, id_), nn, log)
                        elif rule == "ko_ip":
                            set_knockout(crit, {"when": "observed"}, "disqualify",
                                         T("Sản phẩm vi phạm sở hữu trí tuệ", "The product infringes intellectual property rights",
                                           "Produk melanggar hak kekayaan intelektual"), nn, log)
                        elif rule == "ko_foreign":
                            set_knockout(crit, {"when": "observed"}, "stop", foreign_matter_text(m.group("cond")), nn, log)
                        elif rule == "ko_zero":
                            set_knockout(crit, {"when": "points_at_most", "points": 0}, "stop",
                                         T("Chỉ tiêu này bị 0 điểm", "This criterion scores 0 points",
                                           "Kriteria ini mendapat 0 poin"), nn, log)
                        elif rule == "ko_zero_above":
                            pending_zero_above.append((section["criteria"][:i + 1], crit))
                        elif rule == "ko_certificate":
                            cond = m.group("cond").strip()
                            key = cond.lower()
                            if key not in CERTIFICATES:
                                log.unclassified.append((nn, crit["code"], note))
                                continue
                            en, id_ = CERTIFICATES[key]
                            set_knockout(crit, {"when": "observed"}, "stop", T(cap(cond), en, id_), nn, log)
                        elif rule.startswith("ev:"):
                            if ev is None:
                                ev = rule[3:]
                                log.rule(nn, crit["code"], "evidence from note", ev)
                if ev is None:
                    ev = name_evidence(crit["text"]["vi"], sname, crit["_is_section"], note)
                if ev:
                    crit["evidence"] = dict(E[ev])
                split_scales(crit, nn, scode, log)

            part["sections"].append(section)
        parts.append(part)

    # "0 points at one of the criteria above": every criterion from the section's start.
    for crits, holder in pending_zero_above:
        codes = [c["code"] for c in crits]
        span = f"{codes[0]}–{codes[-1]}"
        for c in crits:
            set_knockout(c, {"when": "points_at_most", "points": 0}, "stop", T(
                f"Được 0 điểm tại chỉ tiêu này (một trong các chỉ tiêu {span})",
                f"This criterion scores 0 points (the note under {holder['code']} covers each of {span})",
                f"Kriteria ini mendapat 0 poin (catatan di bawah {holder['code']} berlaku untuk setiap kriteria {span})"),
                nn, log)
        remarks_extra.append(T(
            f"Ghi chú ở {holder['code']} (\"nếu được 0 điểm tại một trong các chỉ tiêu trên\") được hiểu là từng chỉ tiêu "
            f"{span}: được 0 điểm ở bất kỳ chỉ tiêu nào trong số đó thì dừng đánh giá.",
            f"The note under {holder['code']} (\"0 points at one of the criteria above\") is read as each of {span}: "
            f"0 points at any of them stops the assessment.",
            f"Catatan di bawah {holder['code']} (\"0 poin pada salah satu kriteria di atas\") dibaca sebagai setiap kriteria "
            f"{span}: 0 poin pada salah satunya menghentikan penilaian."))

    # Clean helper keys, order keys as the Rust struct does.
    for part in parts:
        for section in part["sections"]:
            if not section["groups"]:
                del section["groups"]
            section["criteria"] = [ordered_criterion(c) for c in section["criteria"]]

    remarks_extra += numbering_gap_remarks(parts)
    if any(c.get("applies_if") for c in iter_criteria(parts)):
        story = next(c["applies_if"]["criterion"] for c in iter_criteria(parts) if c.get("applies_if"))
        remarks_extra.append(T(
            f"Các chỉ tiêu ghi \"Chỉ áp dụng khi có câu chuyện\" được chấm khi {story} đạt từ 1 điểm (mức 0 là \"không có câu "
            f"chuyện\"). Mức 1 của {story} chỉ là tài liệu giới thiệu sản phẩm; cơ quan nào coi đó là chưa có câu chuyện có thể "
            f"nâng min_points lên 2.",
            f"Criteria marked \"only when there is a story\" are scored when {story} scores at least 1 (level 0 is \"no "
            f"story\"). Level 1 of {story} is introduction material only; an office that reads it as no story can raise "
            f"min_points to 2.",
            f"Kriteria bertanda \"hanya jika ada cerita\" dinilai bila {story} mendapat minimal 1 poin (tingkat 0 berarti "
            f"\"tidak ada cerita\"). Tingkat 1 dari {story} hanya materi pengenalan produk; kantor yang menganggapnya belum "
            f"ada cerita dapat menaikkan min_points menjadi 2."))
    if nn == "08":
        remarks_extra.append(T(
            "Các tiêu chí 9, 10 và 16 in hai dãy mức điểm: nhóm biên soạn hiểu đó là hai thang thay thế, một cho cộng đồng "
            "du lịch (nhiều cơ sở dịch vụ) và một cho điểm du lịch (một cơ sở); người đánh giá chọn một thang.",
            "Criteria 9, 10 and 16 print two runs of levels: the editors read them as alternative scales, one for community "
            "tourism (several service establishments) and one for a tourist site (one establishment); the assessor uses one.",
            "Kriteria 9, 10 dan 16 mencetak dua deret tingkat: penyusun membacanya sebagai skala alternatif, satu untuk wisata "
            "berbasis masyarakat (beberapa usaha jasa) dan satu untuk destinasi wisata (satu usaha); penilai memakai salah satunya."))

    out = {
        "format": 1,
        "id": f"ocop-1048-{nn}",
        "version": "781-2020",
        "programme": "ocop",
        "status": "transcription",
        "name": T(f"Phiếu đánh giá OCOP: {vi_name}", f"OCOP scoring sheet: {en_name}", f"Lembar penilaian OCOP: {id_name}"),
        "language": "vi",
        "legal_basis": ["Quyết định 1048/QĐ-TTg (21/08/2019)", "Quyết định 781/QĐ-TTg (08/06/2020)"],
        "effective": {"from": "2019-08-21", "until": "2023-02-24"},
        "product_sets": [{"code": nn, "name": T(vi_name, en_name, id_name)}],
        "source": src["source"],
        "remarks": [dict(r) for r in REMARKS] + remarks_extra,
        "known_defects": [],
        "parts": parts,
        "max_total": 100,
        "stars": {"rounding": "none", "bands": [
            {"star": 1, "min": 0}, {"star": 2, "min": 30}, {"star": 3, "min": 50},
            {"star": 4, "min": 70}, {"star": 5, "min": 90}]},
        "minimum_requirements": [],
        "council": {"max_divergence": 10},
    }
    out["known_defects"] = [describe(out, f) for f in warning_findings(out)] + source_defects
    if any(d["code"] == "total_max_mismatch" for d in out["known_defects"]):
        total = sum(max(lv["points"] for lv in c["levels"]) for c in iter_criteria(parts))
        out["remarks"].append(T(
            f"Các mức điểm trong bản chép nguồn chỉ cộng được {total} điểm (không phải 100); có lẽ bản chép thiếu một mức hoặc "
            f"chỉ tiêu. Giữ nguyên như bản nguồn.",
            f"The levels of the source transcription add up to {total}, not 100; a level or criterion was probably lost in "
            f"transcription. Kept as found.",
            f"Tingkat-tingkat dalam transkripsi sumber hanya berjumlah {total}, bukan 100; kemungkinan ada tingkat atau "
            f"kriteria yang hilang saat transkripsi. Dibiarkan seperti aslinya."))
    return out


def headings_text(section, g):
    return next(x["text"]["vi"] for x in section["groups"] if x["code"] == g)


def iter_criteria(parts):
    for part in parts:
        for section in part["sections"]:
            yield from section["criteria"]


def set_knockout(crit, trigger, effect, text, nn, log):
    if "knockout" in crit:
        raise SourceError(f"{nn} {crit['code']}: a second knock-out")
    crit["knockout"] = {"trigger": trigger, "effect": effect, "text": text}
    when = trigger["when"] + (f" {trigger['points']}" if "points" in trigger else "")
    log.rule(nn, crit["code"], f"knockout {effect}", f"{when}: {text['vi']}")


def set_story_condition(crit, before, nn, log):
    story = next((c for c in before if any(
        lv["points"] == 0 and lv["text"]["vi"].lower().startswith("không có câu chuyện") for lv in c["levels"])), None)
    if story is None:
        raise SourceError(f"{nn} {crit['code']}: no story criterion with a 0-point 'no story' level before it")
    crit["applies_if"] = {"criterion": story["code"], "min_points": 1, "reason": dict(STORY_REASON)}
    log.rule(nn, crit["code"], "applies_if", f"{story['code']} >= 1")


def ordered_criterion(c):
    keys = ["code", "text", "group", "note", "evidence", "scales", "levels", "applies_if", "knockout"]
    out = {k: c[k] for k in keys if k in c}
    out["levels"] = [{k: lv[k] for k in ("points", "text", "scale") if k in lv} for lv in c["levels"]]
    return out


def numbering_gap_remarks(parts):
    """Printed numbers that skip one (6.3 then 6.5; section 7 then 9)."""
    out = []
    sections = [s for p in parts for s in p["sections"]]
    for a, b in zip(sections, sections[1:]):
        if int(b["code"]) != int(a["code"]) + 1:
            out.append(gap_remark(f"mục {int(a['code']) + 1}", f"section {int(a['code']) + 1}",
                                  f"bagian {int(a['code']) + 1}", b["code"], a["code"]))
    for s in sections:
        plain = [c["code"] for c in s["criteria"] if "-" not in c["code"] and c["code"].count(".") == 1]
        for a, b in zip(plain, plain[1:]):
            x, y = int(a.split(".")[1]), int(b.split(".")[1])
            if y != x + 1:
                miss = f"{s['code']}.{x + 1}"
                out.append(gap_remark(miss, miss, miss, b, a))
    return out


def gap_remark(vi_missing, en_missing, id_missing, after, before):
    return T(f"Bản nguồn bỏ qua số {vi_missing} ({after} đứng sau {before}); mã được giữ như bản in.",
             f"The source numbering skips {en_missing} ({after} follows {before}); codes are kept as printed.",
             f"Penomoran sumber melompati {id_missing} ({after} menyusul {before}); kode dipertahankan seperti tercetak.")


def describe(data, finding):
    code, where, msg = finding
    if code == "part_max_mismatch":
        part = next(p for p in data["parts"] if p["code"] == where)
        total = sum(max(lv["points"] for lv in c["levels"]) for s in part["sections"] for c in s["criteria"])
        text = (f"Part {where}'s levels add up to {total}, but Decision 1048 gives part {where} {part['max']} points; "
                f"the transcription probably lost a level or a criterion. Kept as found.")
    elif code == "total_max_mismatch":
        total = re.search(r"add up to (\d+)", msg).group(1)
        text = f"The levels add up to {total}, not {data['max_total']}, because a part falls short of its maximum. Kept as found."
    elif code == "duplicate_level_points":
        text = f"Criterion {where} has two consecutive levels worth the same points ({msg.split(': ', 1)[1]}); one is probably mis-transcribed. Kept as found."
    elif code == "levels_not_ascending":
        text = f"Criterion {where}: {msg.split(': ', 1)[1]}. Kept as found."
    else:
        text = f"{msg}. Kept as found."
    return {"code": code, "path": where, "description": text}


def dump(obj):
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def main():
    files = sorted(SRC.glob("[0-9][0-9]-*.json"))
    if not files:
        print(f"no sources in {SRC}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    log = Log()
    results = []
    try:
        for path in files:
            data = convert(path, log)
            target = OUT / f"{data['id']}.json"
            target.write_text(dump(data), encoding="utf-8")
            results.append((path.name, target, data))
    except SourceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

    print("RULES ENCODED")
    print(f"{'set':<4} {'criterion':<10} {'rule':<24} detail")
    for nn, code, rule, detail in log.rules:
        print(f"{nn:<4} {code:<10} {rule:<24} {detail}")
    print()
    print("NOTES NOT CLASSIFIED" + ("" if log.unclassified else ": none"))
    for nn, code, rest in log.unclassified:
        print(f"{nn:<4} {code:<10} {rest!r}")
    print()
    print("SETS WRITTEN")
    for name, target, data in results:
        crits = list(iter_criteria(data["parts"]))
        total = sum(max(lv["points"] for lv in c["levels"]) for c in crits)
        print(f"{target.relative_to(ROOT)}  {len(crits)} criteria, max {total}, "
              f"knock-outs {sum('knockout' in c for c in crits)}, applies_if {sum('applies_if' in c for c in crits)}, "
              f"scales {sum('scales' in c for c in crits)}, defects "
              f"{', '.join(d['code'] + '@' + d['path'] for d in data['known_defects']) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

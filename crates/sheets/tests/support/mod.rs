//! A filled sheet as the tests and the benchmark print it: a shipped set answered through the
//! engine, with a Vietnamese or an Indonesian product, producer and assessors.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ovop_core::{content_hash, parse_set, Answer, Answers, CriteriaSet, Rubric};
use ovop_sheets::{Document, Filled, Lang, Person, Producer, Product, Trace, Visit};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn set(id: &str) -> CriteriaSet {
    let text = std::fs::read_to_string(repo().join(format!("assets/criteria/sets/{id}.json")))
        .expect("set");
    parse_set(&text).expect("a valid set")
}

/// Every criterion answered: the top level, except where the engine wants otherwise.
pub fn answered(set: &CriteriaSet, pick: impl Fn(usize, usize) -> usize) -> Answers {
    let rubric = Rubric::new(set.clone()).expect("rubric");
    let mut answers = Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        ..Answers::default()
    };
    for gate in &set.gates {
        answers.gates.insert(gate.code.clone(), true);
    }
    for (i, criterion) in set.criteria().enumerate() {
        let level = pick(i, criterion.levels.len()).clamp(1, criterion.levels.len());
        answers
            .answers
            .insert(criterion.code.clone(), Answer::Level(level as u32));
        if rubric.score(&answers).is_err() {
            answers
                .answers
                .insert(criterion.code.clone(), Answer::NotApplicable);
            if rubric.score(&answers).is_err() {
                answers.answers.remove(&criterion.code);
            }
        }
    }
    answers
}

pub fn filled_sheet(id: &str, lang: Lang) -> Filled {
    let set = set(id);
    let answers = answered(&set, |i, n| 1 + (i * 7) % n);
    let rubric = Rubric::new(set.clone()).expect("rubric");
    let result = rubric.score(&answers).expect("scores");
    let verdict = rubric.verdict(&result);
    let trace = Trace {
        assessment_id: "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d".into(),
        revision: 2,
        content_hash: content_hash(&set),
        status: "final".into(),
        dated: "2026-11-20T09:41:00Z".into(),
    };
    if lang == Lang::Vi {
        return Filled {
            lang,
            trace,
            visit: Visit {
                round: Some("2026 · I".into()),
                date: Some("2026-11-20".into()),
                place: Some("Xã Tân Hòa, huyện Lai Vung".into()),
            },
            product: Product {
                name: "Cà phê bột Đắk Hà nguyên chất".into(),
                brand: Some("Đắk Hà".into()),
                skus: vec!["DH-250".into()],
            },
            producer: Producer {
                name: "Hợp tác xã Nông nghiệp Đắk Hà".into(),
                registration: Some("6101234567".into()),
                address: Some("Thôn 3, xã Hà Mòn".into()),
                village: Some("Xã Hà Mòn".into()),
                village_code: Some("VN-23440".into()),
                gps: Some((14.523456, 107.912345)),
                contact: None,
            },
            assessors: vec![Person {
                name: "Nguyễn Thị Hương".into(),
                title: Some("Chuyên viên".into()),
                unit: Some("Phòng Nông nghiệp huyện".into()),
                contact: None,
            }],
            documents: vec![Document {
                label: "Giấy chứng nhận ATTP".into(),
                present: true,
                number: Some("123/2025/ATTP".into()),
                expires_on: Some("2028-05-01".into()),
                ..Document::default()
            }],
            answers,
            result,
            verdict,
            set,
            council: None,
            plan: Vec::new(),
        };
    }
    Filled {
        lang,
        trace,
        visit: Visit {
            round: Some("2026 · Tahap I".into()),
            date: Some("2026-11-20".into()),
            place: Some("Desa Tapin Bini, Kabupaten Tapin".into()),
        },
        product: Product {
            name: "Keripik Pisang Kepok".into(),
            brand: Some("Melati".into()),
            skus: vec!["KPK-150".into()],
        },
        producer: Producer {
            name: "KWT Melati Sejahtera".into(),
            registration: Some("9120001234567".into()),
            address: Some("Jl. Sungai Puting RT 02".into()),
            village: Some("Tapin Bini".into()),
            village_code: Some("63.05.04.2007".into()),
            gps: Some((-2.945712, 115.043321)),
            contact: None,
        },
        assessors: vec![
            Person {
                name: "Rina Wulandari".into(),
                title: Some("Penyuluh Perindustrian".into()),
                unit: Some("Dinas Perindustrian Kabupaten Tapin".into()),
                contact: None,
            },
            Person {
                name: "Budi Santoso".into(),
                title: Some("Pembina Industri".into()),
                unit: Some("Dinas Perindustrian Kabupaten Tapin".into()),
                contact: None,
            },
        ],
        documents: vec![
            Document {
                label: "NIB".into(),
                present: true,
                number: Some("9120001234567".into()),
                ..Document::default()
            },
            Document {
                label: "PIRT".into(),
                present: true,
                number: Some("P-IRT 2066305010123-29".into()),
                expires_on: Some("2029-03-01".into()),
                ..Document::default()
            },
            Document {
                label: "Sertifikat halal".into(),
                present: false,
                ..Document::default()
            },
        ],
        answers,
        result,
        verdict,
        set,
        council: None,
        plan: Vec::new(),
    }
}

/// The longest OCOP sheet (06, coffee and cocoa: 33 criteria, long Vietnamese descriptors) with
/// two criteria more, copied from its own, so the sheet has 35.
pub fn sheet_of_35() -> Filled {
    let mut sheet = filled_sheet("ocop-1048-06", Lang::Vi);
    let part = sheet.set.parts.last_mut().expect("a part");
    let section = part.sections.last_mut().expect("a section");
    let model = section.criteria.last().cloned().expect("a criterion");
    for extra in ["10.2", "10.3"] {
        let mut copy = model.clone();
        copy.code = extra.into();
        copy.text = ovop_core::criteria::Text::new("vi", "Khả năng mở rộng thị trường xuất khẩu sang các nước có tiêu chuẩn nhập khẩu nghiêm ngặt về chất lượng, truy xuất nguồn gốc và an toàn thực phẩm");
        section.criteria.push(copy);
    }
    sheet.set.max_total = None;
    let answers = answered(&sheet.set, |i, n| 1 + (i * 5) % n);
    let rubric = Rubric::new(sheet.set.clone()).expect("rubric");
    sheet.result = rubric.score(&answers).expect("scores");
    sheet.verdict = rubric.verdict(&sheet.result);
    sheet.answers = answers;
    assert_eq!(sheet.set.criteria().count(), 35);
    sheet
}

/// The Indonesian sheet scored by a council of three: the lead as in `filled_sheet`, two
/// members a little higher and a lot lower.
pub fn council_sheet() -> Filled {
    let mut sheet = filled_sheet("ovop-id-template", Lang::Id);
    let rubric = Rubric::new(sheet.set.clone()).expect("rubric");
    let mut budi = answered(&sheet.set, |i, n| 1 + (i * 7 + 1) % n);
    budi.assessor = Some("Budi Santoso".into());
    let mut sari = answered(&sheet.set, |_, _| 1);
    sari.assessor = Some("Sari Dewi".into());
    let mut lead = sheet.answers.clone();
    lead.assessor = Some("Rina Wulandari".into());
    let result = rubric
        .score_council(&[lead, budi, sari])
        .expect("a council");
    sheet.verdict = rubric.council_verdict(&result, None);
    sheet.council = Some(ovop_sheets::Council {
        result,
        members: vec![
            sheet.assessors[0].clone(),
            sheet.assessors[1].clone(),
            Person {
                name: "Sari Dewi".into(),
                title: Some("Pendamping UMKM".into()),
                unit: Some("PLUT-KUMKM Kalimantan Selatan".into()),
                contact: None,
            },
        ],
    });
    sheet
}

/// A district council of three (the chair, a member, a secretary; a fourth absent) that scored
/// two OCOP products in round 2025 · I (before the district level ended): the first reaches four stars and is proposed to the
/// province.
pub fn minutes_sample(lang: Lang) -> ovop_sheets::Minutes {
    use ovop_sheets::{MinutesMember, MinutesProduct};
    let set = set("ocop-1048-06");
    let rubric = Rubric::new(set.clone()).expect("rubric");
    let person = |name: &str, title: &str, unit: &str| Person {
        name: name.into(),
        title: Some(title.into()),
        unit: Some(unit.into()),
        contact: None,
    };
    let members = vec![
        MinutesMember {
            person: person("Nguyễn Văn An", "Phó Chủ tịch UBND", "UBND huyện Tân Uyên"),
            role: None,
            chair: true,
            present: true,
        },
        MinutesMember {
            person: person("Trần Thị Bình", "Chuyên viên", "Phòng Nông nghiệp"),
            role: Some("Thành viên".into()),
            chair: false,
            present: true,
        },
        MinutesMember {
            person: person("Lê Văn Cường", "Chuyên viên", "Phòng Kinh tế"),
            role: Some("Thư ký".into()),
            chair: false,
            present: true,
        },
        MinutesMember {
            person: person("Phạm Thị Dung", "Chuyên viên", "Phòng Y tế"),
            role: Some("Thành viên".into()),
            chair: false,
            present: false,
        },
    ];
    let names: Vec<String> = members
        .iter()
        .filter(|m| m.present)
        .map(|m| m.person.name.clone())
        .collect();
    let product = |i: usize, picks: [fn(usize, usize) -> usize; 3], name: &str, producer: &str| {
        let sheets: Vec<Answers> = picks
            .iter()
            .zip(&names)
            .map(|(pick, member)| {
                let mut sheet = answered(&set, pick);
                sheet.assessor = Some(member.clone());
                sheet
            })
            .collect();
        let council = rubric.score_council(&sheets).expect("a council");
        let verdict = rubric.council_verdict(&council, None);
        let proposed = (verdict.star >= Some(4)).then(|| match lang {
            Lang::Vi => "Cấp tỉnh".to_string(),
            Lang::Id => "Tingkat provinsi (tỉnh)".to_string(),
            Lang::En => "Province level".to_string(),
        });
        MinutesProduct::of_council(
            name.into(),
            producer.into(),
            Trace {
                assessment_id: format!("0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6{i}"),
                revision: 1,
                content_hash: format!("sha256:{i:064}"),
                status: "final".into(),
                dated: "2025-03-10T10:00:00Z".into(),
            },
            &council,
            verdict,
            proposed,
        )
    };
    let near: fn(usize, usize) -> usize = |i, n| if i % 2 == 0 { n - 1 } else { n };
    let low: fn(usize, usize) -> usize = |i, n| 1 + (i * 7) % n;
    let lower: fn(usize, usize) -> usize = |i, n| if i == 1 { 1 } else { 1 + (i * 7) % n };
    ovop_sheets::Minutes {
        lang,
        programme: "OCOP".into(),
        round: "2025-1".into(),
        round_words: "2025 · I".into(),
        level: "district".into(),
        level_words: match lang {
            Lang::Vi => "Cấp huyện",
            Lang::Id => "Tingkat distrik (huyện)",
            Lang::En => "District level",
        }
        .into(),
        date: "2025-03-10".into(),
        place: Some("UBND huyện Tân Uyên, Lai Châu".into()),
        members,
        quorum: Some(
            ovop_core::Quorum {
                share_percent: 75,
                chair_required: true,
            }
            .check(4, 3, true),
        ),
        products: vec![
            product(
                0,
                [near, near, near],
                "Gạo nếp Tân Uyên",
                "HTX Nông nghiệp Phúc Khoa",
            ),
            product(
                1,
                [low, lower, low],
                "Chè Shan tuyết",
                "Tổ hợp tác chè Mường Khoa",
            ),
        ],
        dated: "2025-03-10T10:00:00Z".into(),
    }
}

/// The key reference certificates are signed with (a fixed seed: the same bytes every time).
pub fn reference_key() -> ovop_protocol::certificate::SigningKey {
    ovop_protocol::certificate::SigningKey::from_seed(&[7; 32]).expect("seed")
}

/// A four-star certificate of a Vietnamese product, its code signed by [`reference_key`].
pub fn certificate_sample(lang: Lang) -> ovop_sheets::Certificate {
    let code = ovop_protocol::CertificateCode {
        number: "OCOP-2026-00012".into(),
        product_id: "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c60".into(),
        product: "Trà Shan tuyết cổ thụ Suối Giàng".into(),
        star: 4,
        issued: "2026-07-01".into(),
        valid_until: "2029-06-30".into(),
        key_id: String::new(),
    };
    ovop_sheets::Certificate {
        lang,
        programme: "OCOP".into(),
        number: code.number.clone(),
        product: code.product.clone(),
        producer: "Hợp tác xã Chè Suối Giàng".into(),
        place: Some("Xã Suối Giàng, Tỉnh Lào Cai".into()),
        star: code.star,
        decision_number: "1234/QĐ-UBND".into(),
        decision_date: "2026-07-01".into(),
        authority: "Ủy ban nhân dân tỉnh Lào Cai".into(),
        issued: code.issued.clone(),
        valid_until: code.valid_until.clone(),
        code: reference_key().sign(&code).expect("sign"),
    }
}

/// A province's recap: two regencies with products, targets and coaching, three officers.
pub fn recap_sample() -> ovop_protocol::recap::Recap {
    use ovop_protocol::recap::*;
    let count = |key: &str, label: &str, open: u32, overdue: u32| ActionCount {
        key: key.into(),
        label: label.into(),
        open,
        overdue,
    };
    Recap {
        region: Some("63".into()),
        region_name: "Kalimantan Selatan".into(),
        from: "2026-01-01".into(),
        to: "2026-11-30".into(),
        before_from: "2025-01-01".into(),
        before_to: "2025-11-30".into(),
        today: "2026-12-01".into(),
        target_year: 2026,
        generated_at: "2026-12-01T08:00:00Z".into(),
        generated_by: "Sari Rahmawati".into(),
        regencies: vec![
            RegencyStars {
                code: "63.05".into(),
                name: "Kabupaten Tapin".into(),
                now: [1, 0, 4, 9, 3, 1],
                before: [2, 1, 5, 6, 1, 0],
                target: [None, None, None, Some(12), Some(5), Some(1)],
            },
            RegencyStars {
                code: "63.06".into(),
                name: "Kabupaten Hulu Sungai Selatan".into(),
                now: [0, 1, 6, 5, 2, 0],
                before: [0, 2, 6, 3, 1, 0],
                target: [None; 6],
            },
        ],
        sets: vec![
            SetStars {
                product_set: "kriya".into(),
                now: [0, 1, 4, 6, 2, 0],
            },
            SetStars {
                product_set: "makanan".into(),
                now: [1, 0, 6, 8, 3, 1],
            },
        ],
        actions_by_officer: vec![
            count("budi", "Budi Santoso", 7, 2),
            count("rina", "Rina Wulandari", 5, 0),
        ],
        actions_by_regency: vec![
            count("63.05", "Kabupaten Tapin", 7, 2),
            count("63.06", "Kabupaten Hulu Sungai Selatan", 5, 0),
        ],
        actions_by_support: vec![
            count("certification", "certification", 3, 1),
            count("lab_test", "lab_test", 2, 0),
            count("packaging", "packaging", 7, 1),
        ],
        officers: vec![
            OfficerWork {
                name: "budi".into(),
                display_name: "Budi Santoso".into(),
                last_sync: Some("2026-11-29T15:20:00Z".into()),
                assessments: 14,
                visits: 9,
                open_actions: 7,
                overdue_actions: 2,
            },
            OfficerWork {
                name: "dewi".into(),
                display_name: "Dewi Lestari".into(),
                last_sync: None,
                assessments: 0,
                visits: 0,
                open_actions: 0,
                overdue_actions: 0,
            },
            OfficerWork {
                name: "rina".into(),
                display_name: "Rina Wulandari".into(),
                last_sync: Some("2026-11-14T09:00:00Z".into()),
                assessments: 11,
                visits: 6,
                open_actions: 5,
                overdue_actions: 0,
            },
        ],
        overdue: vec![
            OverdueAction {
                id: "0192f5c4-0001-7b31-9c55-000000000001".into(),
                product_id: "0192f5c4-0001-7b31-9c55-000000000011".into(),
                product: "Dodol Kandangan".into(),
                producer: "UMKM Dodol Hj. Aminah".into(),
                officer: "Budi Santoso".into(),
                regency: "Kabupaten Tapin".into(),
                support: "certification".into(),
                criterion: Some("A2".into()),
                due: "2026-10-15".into(),
                progress: "in_progress".into(),
            },
            OverdueAction {
                id: "0192f5c4-0001-7b31-9c55-000000000002".into(),
                product_id: "0192f5c4-0001-7b31-9c55-000000000012".into(),
                product: "Keripik Pisang Kepok".into(),
                producer: "KUB Sari Rasa".into(),
                officer: "Budi Santoso".into(),
                regency: "Kabupaten Tapin".into(),
                support: "packaging".into(),
                criterion: None,
                due: "2026-11-20".into(),
                progress: "not_started".into(),
            },
        ],
        overdue_more: 0,
    }
}

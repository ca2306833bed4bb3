//! Keeps `openapi.json` in step with the server: the same routes as [`ovop_server::API_ROUTES`],
//! every route answered by its handler (not the fallback), every error code the document lists
//! found in the sources and every code the handlers can give listed in the document, under the
//! status the code gives it; every `$ref` resolves; the document is served as it is on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The prefixes of the error codes the handlers give (`sync.*` are the app's own codes).
const PREFIXES: [&str; 15] = [
    "push", "blob", "enrol", "review", "auth", "user", "changes", "criteria", "code", "device",
    "set", "award", "forward", "recap", "target",
];

/// Codes only the dashboard's HTML routes give: they are not part of the API.
const DASHBOARD_ONLY: [&str; 6] = [
    "auth.csrf",
    "auth.origin",
    "blob.incomplete",
    "user.wrong_password",
    "user.same_password",
    "user.password_mismatch",
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn document_bytes() -> Vec<u8> {
    std::fs::read(manifest_dir().join("openapi.json")).expect("crates/server/openapi.json")
}

fn document() -> Value {
    serde_json::from_slice(&document_bytes()).expect("openapi.json is JSON")
}

// ---------------------------------------------------------------------------------------------
// Reading the document

/// Resolves a local reference (`#/components/...`).
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// The value itself, or what its `$ref` points at (followed to the end).
fn deref<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                value = resolve(doc, reference)
                    .unwrap_or_else(|| panic!("{reference} does not resolve"))
            }
            None => return value,
        }
    }
    panic!("a $ref loop")
}

/// Every operation: (method, path) to the operation object.
fn operations(doc: &Value) -> BTreeMap<(String, String), &Value> {
    let mut out = BTreeMap::new();
    let paths = doc["paths"].as_object().expect("paths is an object");
    for (path, item) in paths {
        let item = item
            .as_object()
            .unwrap_or_else(|| panic!("{path} is an object"));
        for (key, operation) in item {
            if METHODS.contains(&key.as_str()) {
                out.insert((key.clone(), path.clone()), operation);
            }
        }
    }
    out
}

/// The parameters of an operation, path-level ones included, references followed.
fn parameters<'a>(doc: &'a Value, path: &str, operation: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for list in [&doc["paths"][path]["parameters"], &operation["parameters"]] {
        for parameter in list.as_array().into_iter().flatten() {
            out.push(deref(doc, parameter));
        }
    }
    out
}

/// Every `x-error-codes` list and every `code` enum anywhere in the document.
fn listed_codes(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(codes) = map.get("x-error-codes").and_then(Value::as_array) {
                out.extend(codes.iter().filter_map(Value::as_str).map(str::to_string));
            }
            if let Some(codes) = map
                .get("properties")
                .and_then(|p| p.get("code"))
                .and_then(|c| c.get("enum"))
                .and_then(Value::as_array)
            {
                out.extend(codes.iter().filter_map(Value::as_str).map(str::to_string));
            }
            map.values().for_each(|v| listed_codes(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| listed_codes(v, out)),
        _ => {}
    }
}

/// The codes of a `code` enum inside a schema (directly or in an `allOf`).
fn enum_codes(schema: &Value) -> Option<Vec<String>> {
    let strings = |v: &Value| {
        v.as_array().map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
    };
    if let Some(codes) = schema.pointer("/properties/code/enum").and_then(strings) {
        return Some(codes);
    }
    schema["allOf"]
        .as_array()?
        .iter()
        .find_map(|part| part.pointer("/properties/code/enum").and_then(strings))
}

/// (code, status) for every error code listed in an operation's responses.
fn codes_by_status(doc: &Value) -> BTreeMap<String, BTreeSet<u16>> {
    let mut out: BTreeMap<String, BTreeSet<u16>> = BTreeMap::new();
    for operation in operations(doc).values() {
        for (status, response) in operation["responses"].as_object().into_iter().flatten() {
            let response = deref(doc, response);
            for code in response["x-error-codes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                out.entry(code.to_string())
                    .or_default()
                    .insert(status.parse().expect("a numeric status"));
            }
        }
    }
    out
}

fn is_code(text: &str, prefixes: &[&str]) -> bool {
    let Some((prefix, rest)) = text.split_once('.') else {
        return false;
    };
    prefixes.contains(&prefix)
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

// ---------------------------------------------------------------------------------------------
// Reading the sources: string literals, and the calls that make error codes

struct Source {
    name: String,
    text: String,
    /// The text with comments and the insides of string literals blanked, same byte offsets.
    masked: Vec<u8>,
    /// (start offset of the opening quote, contents) of every string literal.
    literals: Vec<(usize, String)>,
}

/// Lexes just enough Rust to find string literals and skip comments and char literals.
fn lex(name: &str, full: &str) -> Source {
    // Unit tests at the end of a file are not what the server does.
    let text = match full.find("#[cfg(test)]") {
        Some(at) => &full[..at],
        None => full,
    };
    let bytes = text.as_bytes();
    let mut masked = bytes.to_vec();
    let mut literals = Vec::new();
    let mut i = 0;
    let blank = |masked: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut masked[from..to] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                blank(&mut masked, i, end);
                i = end;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                blank(&mut masked, i, end);
                i = end;
            }
            b'r' if (bytes.get(i + 1) == Some(&b'"') || bytes.get(i + 1) == Some(&b'#'))
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                let hashes = bytes[i + 1..].iter().take_while(|b| **b == b'#').count();
                if bytes.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let open = i + 1 + hashes;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = text[open + 1..]
                    .find(&close)
                    .map_or(bytes.len(), |n| open + 1 + n);
                literals.push((open, text[open + 1..end].to_string()));
                blank(&mut masked, open + 1, end);
                i = end + close.len();
            }
            b'"' => {
                let mut j = i + 1;
                let mut value = String::new();
                while j < bytes.len() && bytes[j] != b'"' {
                    if bytes[j] == b'\\' {
                        j += 1;
                        if bytes.get(j) == Some(&b'\n') {
                            j += 1;
                            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                                j += 1;
                            }
                            continue;
                        }
                        value.push('\\');
                    }
                    let ch = text[j..].chars().next().expect("a char");
                    value.push(ch);
                    j += ch.len_utf8();
                }
                literals.push((i, value));
                blank(&mut masked, i + 1, j);
                i = j + 1;
            }
            b'\'' => {
                // A char literal ('"', '\'', 'x') or a lifetime ('a).
                if bytes.get(i + 1) == Some(&b'\\') {
                    let end = text[i + 2..]
                        .find('\'')
                        .map_or(bytes.len(), |n| i + 2 + n + 1);
                    blank(&mut masked, i + 1, end - 1);
                    i = end;
                } else if let Some(ch) = text[i + 1..].chars().next() {
                    if text[i + 1 + ch.len_utf8()..].starts_with('\'') {
                        blank(&mut masked, i + 1, i + 1 + ch.len_utf8());
                        i += 2 + ch.len_utf8();
                    } else {
                        i += 1;
                    }
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    Source {
        name: name.to_string(),
        text: text.to_string(),
        masked,
        literals,
    }
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    for dir in [
        manifest_dir().join("src"),
        manifest_dir().join("../protocol/src"),
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        for file in files {
            let text = with_code_literals(&std::fs::read_to_string(&file).expect("a source file"));
            let name = format!(
                "{}/{}",
                dir.parent()
                    .and_then(Path::file_name)
                    .unwrap_or_default()
                    .to_string_lossy(),
                file.file_name().unwrap_or_default().to_string_lossy()
            );
            out.push(lex(&name, &text));
        }
    }
    assert!(
        out.iter().any(|s| s.name.ends_with("api.rs")),
        "the server's sources were not found"
    );
    out
}

/// The sources name codes as literals or through the table (`Code::PushInvalid.as_str()`):
/// the table's are read as the literal they stand for.
fn with_code_literals(text: &str) -> String {
    let mut text = text.to_string();
    for code in ovop_core::Code::ALL {
        text = text.replace(
            &format!("Code::{code:?}.as_str()"),
            &format!("{:?}", code.as_str()),
        );
    }
    text
}

impl Source {
    /// Each call of `callee(` outside comments and strings: its line, the literals among its
    /// arguments, and the arguments' text (literals blanked).
    fn calls(&self, callee: &str) -> Vec<(usize, Vec<String>, String)> {
        let needle = format!("{callee}(");
        let masked = String::from_utf8_lossy(&self.masked).into_owned();
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(found) = masked[from..].find(&needle) {
            let start = from + found;
            from = start + needle.len();
            // `ApiError::new(` but not `xApiError::new(`; `read_json(` but not `fn read_json(`.
            if start > 0
                && (masked.as_bytes()[start - 1].is_ascii_alphanumeric()
                    || masked.as_bytes()[start - 1] == b'_')
            {
                continue;
            }
            if masked[..start].trim_end().ends_with("fn") {
                continue;
            }
            let open = start + needle.len() - 1;
            let mut depth = 0usize;
            let mut end = masked.len();
            for (k, b) in masked.as_bytes()[open..].iter().enumerate() {
                match b {
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + k;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let args = self
                .literals
                .iter()
                .filter(|(at, _)| *at > open && *at < end)
                .map(|(_, v)| v.clone())
                .collect();
            let line = self.text[..start].matches('\n').count() + 1;
            out.push((line, args, masked[open + 1..end].to_string()));
        }
        out
    }
}

/// A code a handler can give, where, and the status its constructor gives it (when it says).
#[derive(Debug, Clone)]
struct Given {
    code: String,
    status: Option<u16>,
    at: String,
}

fn status_named(name: &str) -> Option<u16> {
    Some(match name {
        "BAD_REQUEST" => 400,
        "UNAUTHORIZED" => 401,
        "FORBIDDEN" => 403,
        "NOT_FOUND" => 404,
        "CONFLICT" => 409,
        "PAYLOAD_TOO_LARGE" => 413,
        "UNSUPPORTED_MEDIA_TYPE" => 415,
        "RANGE_NOT_SATISFIABLE" => 416,
        "UNPROCESSABLE_ENTITY" => 422,
        "TOO_MANY_REQUESTS" => 429,
        "INTERNAL_SERVER_ERROR" => 500,
        "SERVICE_UNAVAILABLE" => 503,
        "INSUFFICIENT_STORAGE" => 507,
        _ => return None,
    })
}

/// Every code passed as a literal to an `ApiError` or `Problem` constructor, and every code
/// `read_json` and `too_large_or_bad` make from a prefix.
fn given_codes(sources: &[Source]) -> Vec<Given> {
    let constructors: [(&str, Option<u16>); 7] = [
        ("ApiError::new", None),
        ("ApiError::bad", Some(400)),
        ("ApiError::not_found", Some(404)),
        ("ApiError::forbidden", Some(403)),
        ("ApiError::conflict", Some(409)),
        ("ApiError::unauthorized", Some(401)),
        ("Problem::new", None),
    ];
    let all: Vec<&str> = PREFIXES
        .iter()
        .copied()
        .chain(["server", "http", "sync"])
        .collect();
    let mut out = Vec::new();
    for source in sources {
        for (callee, status) in constructors {
            for (line, args, span) in source.calls(callee) {
                let Some(code) = args.first().filter(|c| is_code(c, &all)) else {
                    continue;
                };
                // ApiError::new(StatusCode::NAME, "code", ...)
                let status = status.or_else(|| {
                    let name = span.trim_start().strip_prefix("StatusCode::")?;
                    let name: String = name
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                        .collect();
                    status_named(&name)
                });
                out.push(Given {
                    code: code.clone(),
                    status,
                    at: format!("{}:{line}", source.name),
                });
            }
        }
    }
    // read_json(body, "prefix") gives prefix.malformed, .invalid (400) and .too_large (413);
    // too_large_or_bad(e, "prefix") gives prefix.malformed (400) and .too_large (413).
    let api = sources
        .iter()
        .find(|s| s.name.ends_with("server/api.rs"))
        .expect("api.rs");
    for template in [
        "{prefix}.too_large",
        "{prefix}.malformed",
        "{prefix}.{code}",
        "malformed",
        "invalid",
    ] {
        assert!(
            api.literals.iter().any(|(_, l)| l == template),
            "api.rs no longer makes codes from {template:?}: update this test to how read_json names its codes"
        );
    }
    for source in sources {
        for (callee, suffixes) in [
            ("read_json", &["malformed", "invalid", "too_large"][..]),
            ("too_large_or_bad", &["malformed", "too_large"][..]),
        ] {
            for (line, args, _) in source.calls(callee) {
                let Some(prefix) = args.last() else { continue };
                for suffix in suffixes {
                    let status = if *suffix == "too_large" { 413 } else { 400 };
                    out.push(Given {
                        code: format!("{prefix}.{suffix}"),
                        status: Some(status),
                        at: format!("{}:{line}", source.name),
                    });
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// (a) the routes

#[test]
fn the_document_lists_exactly_the_api_routes() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = operations(&doc).into_keys().collect();
    let routes: BTreeSet<(String, String)> = ovop_server::API_ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(
        routes.len(),
        ovop_server::API_ROUTES.len(),
        "API_ROUTES names a route twice"
    );
    let missing: Vec<_> = routes.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routes).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "openapi.json and API_ROUTES differ.\n  in API_ROUTES, not documented: {missing:?}\n  documented, not in API_ROUTES: {extra:?}"
    );
}

// The document's own shape: references, parameters, operations, responses, request bodies.

fn walk_refs<'a>(value: &'a Value, at: String, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref" {
                    out.push((
                        at.clone(),
                        v.as_str()
                            .unwrap_or_else(|| panic!("{at}/$ref is not a string")),
                    ));
                } else {
                    walk_refs(
                        v,
                        format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| walk_refs(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut refs = Vec::new();
    walk_refs(&doc, String::new(), &mut refs);
    assert!(
        refs.len() > 50,
        "only {} references: is this the whole document?",
        refs.len()
    );
    let broken: Vec<String> = refs
        .iter()
        .filter(|(_, r)| !r.starts_with("#/") || resolve(&doc, r).is_none())
        .map(|(at, r)| format!("{at}: {r}"))
        .collect();
    assert!(
        broken.is_empty(),
        "references that do not resolve:\n{}",
        broken.join("\n")
    );
    // Every component is used (a schema left behind is a sign the document drifted).
    let used: BTreeSet<&str> = refs.iter().map(|(_, r)| *r).collect();
    for kind in ["schemas", "parameters", "responses", "headers"] {
        for name in doc["components"][kind]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            let reference = format!("#/components/{kind}/{name}");
            assert!(
                used.contains(reference.as_str()),
                "{reference} is never used"
            );
        }
    }
}

#[test]
fn the_document_is_well_formed() {
    let doc = document();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "an OpenAPI 3.1 document"
    );
    assert!(
        doc["info"]["title"].is_string() && doc["info"]["version"].is_string(),
        "info.title and info.version"
    );
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    let bearer = &schemes["deviceToken"];
    assert_eq!(
        (bearer["type"].as_str(), bearer["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    assert_eq!(
        schemes.keys().collect::<Vec<_>>(),
        ["deviceToken"],
        "the API takes device tokens only"
    );
    let header = &doc["components"]["headers"]["OvopProtocol"]["schema"]["const"];
    assert_eq!(
        header.as_u64(),
        Some(u64::from(ovop_protocol::PROTOCOL_VERSION)),
        "the ovop-protocol header's value"
    );

    let mut operation_ids = BTreeSet::new();
    let mut problems = Vec::new();
    for ((method, path), operation) in operations(&doc) {
        let here = format!("{} {path}", method.to_uppercase());
        match operation["operationId"].as_str() {
            Some(id) if operation_ids.insert(id.to_string()) => {}
            other => problems.push(format!(
                "{here}: operationId {other:?} missing or used twice"
            )),
        }
        if !operation["summary"].is_string() {
            problems.push(format!("{here}: no summary"));
        }
        // Security: the default, or an explicit list naming known schemes.
        for requirement in operation
            .get("security")
            .or(doc.get("security"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for scheme in requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k)
            {
                if !schemes.contains_key(scheme) {
                    problems.push(format!("{here}: unknown security scheme {scheme}"));
                }
            }
        }
        // Path parameters: exactly the template's, each required.
        let template: BTreeSet<String> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .map(str::to_string)
            .collect();
        let params = parameters(&doc, &path, operation);
        let declared: BTreeSet<String> = params
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| {
                if p["required"] != Value::Bool(true) {
                    problems.push(format!(
                        "{here}: path parameter {} is not required",
                        p["name"]
                    ));
                }
                p["name"].as_str().unwrap_or_default().to_string()
            })
            .collect();
        if template != declared {
            problems.push(format!(
                "{here}: path parameters {declared:?}, the path has {template:?}"
            ));
        }
        for p in &params {
            if !p["schema"].is_object()
                || !p["name"].is_string()
                || !["path", "query", "header", "cookie"].contains(&p["in"].as_str().unwrap_or(""))
            {
                problems.push(format!(
                    "{here}: a parameter without name, in or schema: {p}"
                ));
            }
        }
        // Responses: each described, each with the protocol header; errors list their codes.
        let responses = operation["responses"].as_object();
        if responses.is_none_or(|r| !r.keys().any(|s| s.starts_with('2'))) {
            problems.push(format!("{here}: no success response"));
        }
        for (status, response) in responses.into_iter().flatten() {
            let response = deref(&doc, response);
            let at = format!("{here} {status}");
            let Ok(code) = status.parse::<u16>() else {
                problems.push(format!("{at}: a status is a number"));
                continue;
            };
            if !response["description"].is_string() {
                problems.push(format!("{at}: no description"));
            }
            if deref(&doc, &response["headers"]["ovop-protocol"])
                .get("schema")
                .is_none()
            {
                problems.push(format!("{at}: no ovop-protocol header"));
            }
            if code < 400 {
                continue;
            }
            let listed: Vec<String> = response["x-error-codes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            if listed.is_empty() {
                problems.push(format!("{at}: an error response without x-error-codes"));
            }
            let schema = &response["content"]["application/json"]["schema"];
            match enum_codes(schema) {
                Some(codes) if codes == listed => {}
                other => problems.push(format!(
                    "{at}: the schema's code enum {other:?} is not x-error-codes {listed:?}"
                )),
            }
            if !schema["allOf"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|s| s["$ref"] == "#/components/schemas/Problem")
            }) {
                problems.push(format!("{at}: the error is not a Problem"));
            }
            let description = response["description"].as_str().unwrap_or_default();
            for code in &listed {
                if !description.contains(&format!("`{code}`")) {
                    problems.push(format!("{at}: the description does not mention `{code}`"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Request types that refuse unknown fields are `additionalProperties: false`, and the others
/// are not; the review filter and the change feed's query are documented field by field.
#[test]
fn request_shapes_follow_the_rust_types() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    // Struct name -> whether it has deny_unknown_fields, over the server, protocol and core.
    let mut denies: BTreeMap<String, BTreeSet<bool>> = BTreeMap::new();
    let mut fields: BTreeMap<String, Vec<BTreeSet<String>>> = BTreeMap::new();
    let core = manifest_dir().join("../core/src");
    let dirs = [
        manifest_dir().join("src"),
        manifest_dir().join("../protocol/src"),
        core,
    ];
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).expect("sources") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a source");
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let Some(rest) = line.trim_start().strip_prefix("pub struct ") else {
                    continue;
                };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let attributes = lines[..i].iter().rev().take_while(|l| {
                    let l = l.trim_start();
                    l.starts_with("#[") || l.starts_with("///") || l.starts_with("//")
                });
                let deny = attributes
                    .into_iter()
                    .any(|l| l.contains("deny_unknown_fields"));
                denies.entry(name.clone()).or_default().insert(deny);
                if rest.trim_end().ends_with('{') {
                    let body: BTreeSet<String> = lines[i + 1..]
                        .iter()
                        .take_while(|l| !l.starts_with('}'))
                        .filter_map(|l| {
                            l.trim_start()
                                .strip_prefix("pub ")?
                                .split_once(':')
                                .map(|(f, _)| f.trim().to_string())
                        })
                        .collect();
                    fields.entry(name).or_default().push(body);
                }
            }
        }
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, schema) in schemas {
        let Some(deny) = denies
            .get(name)
            .filter(|d| d.len() == 1)
            .and_then(|d| d.first())
        else {
            continue;
        };
        checked += 1;
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        if closed != *deny {
            problems.push(format!(
                "{name}: deny_unknown_fields is {deny}, additionalProperties: false is {closed}"
            ));
        }
        // A Rust struct's fields are the schema's properties.
        if let Some(candidates) = fields.get(name) {
            let documented: BTreeSet<String> = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect();
            if !candidates.contains(&documented) {
                problems.push(format!(
                    "{name}: the Rust fields are {candidates:?}, the schema's {documented:?}"
                ));
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} schemas matched a Rust struct"
    );
    // The query types: every field a parameter, nothing else.
    let doc_ops = operations(&doc);
    for (struct_name, routes) in [
        (
            "Filter",
            &[
                "/v1/review/assessments",
                "/v1/export/assessments",
                "/v1/export/criteria",
                "/v1/stats",
            ][..],
        ),
        ("ChangesQuery", &["/v1/changes"][..]),
    ] {
        assert_eq!(
            denies.get(struct_name).and_then(|d| d.first()),
            Some(&true),
            "{struct_name} refuses unknown fields"
        );
        let rust: BTreeSet<&str> = fields[struct_name][0].iter().map(String::as_str).collect();
        for path in routes {
            let Some(operation) = doc_ops.get(&("get".to_string(), path.to_string())) else {
                problems.push(format!("GET {path} is not documented"));
                continue;
            };
            let query: BTreeSet<&str> = parameters(&doc, path, operation)
                .into_iter()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str())
                .collect();
            if query != rust {
                problems.push(format!(
                    "GET {path}: query parameters {query:?}, {struct_name} has {rust:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// (c) error codes: the document's in the sources, the sources' in the document

#[test]
fn every_error_code_is_in_the_sources_and_every_given_code_is_documented() {
    let doc = document();
    let mut documented = BTreeSet::new();
    listed_codes(&doc, &mut documented);
    assert!(
        documented.len() > 40,
        "only {} codes in the document",
        documented.len()
    );
    let sources = sources();
    let given = given_codes(&sources);
    let pattern_codes: BTreeSet<&str> = given
        .iter()
        .map(|g| g.code.as_str())
        .filter(|c| is_code(c, &PREFIXES))
        .collect();
    assert!(
        pattern_codes.len() > 40,
        "the scan found only {} codes: {pattern_codes:?}",
        pattern_codes.len()
    );

    // The document names no code the server cannot give.
    let literals: BTreeSet<&str> = sources
        .iter()
        .flat_map(|s| s.literals.iter().map(|(_, l)| l.as_str()))
        .collect();
    let made: BTreeSet<&str> = given.iter().map(|g| g.code.as_str()).collect();
    let unknown: Vec<&String> = documented
        .iter()
        .filter(|c| !literals.contains(c.as_str()) && !made.contains(c.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "codes in openapi.json that the server's sources never give: {unknown:?}"
    );

    // Every code the handlers give is in the document, but the dashboard's own.
    for code in DASHBOARD_ONLY {
        let at: Vec<&Given> = given.iter().filter(|g| g.code == code).collect();
        assert!(
            !at.is_empty(),
            "{code} is no longer given: drop it from DASHBOARD_ONLY"
        );
        assert!(
            at.iter()
                .all(|g| g.at.ends_with("dashboard.rs") || g.at.contains("dashboard.rs:")),
            "{code} is given outside the dashboard: {at:?}"
        );
        assert!(
            !documented.contains(code),
            "{code} is the dashboard's, not the API's"
        );
    }
    let undocumented: Vec<String> = given
        .iter()
        .filter(|g| {
            is_code(&g.code, &PREFIXES)
                && !DASHBOARD_ONLY.contains(&g.code.as_str())
                && !documented.contains(&g.code)
        })
        .map(|g| format!("{} ({})", g.code, g.at))
        .collect();
    assert!(
        undocumented.is_empty(),
        "codes the server gives that openapi.json does not list:\n{}",
        undocumented.join("\n")
    );

    // Where a constructor says the status, the document lists the code under that status only.
    let by_status = codes_by_status(&doc);
    let mut wrong = Vec::new();
    for g in &given {
        let (Some(status), Some(statuses)) = (g.status, by_status.get(&g.code)) else {
            continue;
        };
        if statuses.iter().any(|s| *s != status) {
            wrong.push(format!(
                "{} is {status} at {}, the document lists it under {statuses:?}",
                g.code, g.at
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // Every code the server gives is in the one table of codes, with the table's status.
    let mut off_table = Vec::new();
    for g in &given {
        match ovop_core::Code::parse(&g.code) {
            None => off_table.push(format!(
                "{} ({}) is not in crates/core/src/codes.rs",
                g.code, g.at
            )),
            Some(code) => {
                if let Some(status) = g.status.filter(|s| code.status() != Some(*s)) {
                    off_table.push(format!(
                        "{} is {status} at {}, the table says {:?}",
                        g.code,
                        g.at,
                        code.status()
                    ));
                }
            }
        }
    }
    assert!(off_table.is_empty(), "{}", off_table.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// (b) and (d): a real server

fn fill(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{sha256}" => "ab".repeat(32),
            "{hash}" => format!("sha256:{}", "ab".repeat(32)),
            "{name}" => "budi".into(),
            "{programme}" => "ovop".into(),
            "{number}" => "OVOP-2026-00001".into(),
            "{id}" if path.starts_with("/v1/admin/devices/") => "1".into(),
            "{id}" => "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d".into(),
            other if other.starts_with('{') => {
                panic!("no value for {other} in {path}: add one to fill()")
            }
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

struct Answer {
    status: u16,
    protocol: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn code(&self) -> Option<String> {
        serde_json::from_slice::<Value>(&self.body)
            .ok()?
            .get("code")?
            .as_str()
            .map(str::to_string)
    }
}

async fn send(http: &reqwest::Client, base: &str, method: &str, path: &str) -> Answer {
    let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("a method");
    let response = http
        .request(method, format!("{base}{path}"))
        .send()
        .await
        .expect("an answer");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (protocol, content_type) = (
        header(ovop_protocol::VERSION_HEADER),
        header("content-type"),
    );
    let status = response.status().as_u16();
    Answer {
        status,
        protocol,
        content_type,
        body: response.bytes().await.expect("a body").to_vec(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_reaches_its_handler_and_the_document_is_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = ovop_server::Config::new(dir.path().to_path_buf());
    config.listen = "127.0.0.1:0".into();
    let running = ovop_server::start(config).await.expect("the server starts");
    let base = running.url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let doc = document();
    let ops = operations(&doc);
    let version = ovop_protocol::PROTOCOL_VERSION.to_string();

    // The two answers this test tells apart from a handler's: the fallback, and 405.
    let nowhere = send(&http, &base, "get", "/v1/no-such-route").await;
    assert_eq!(
        (nowhere.status, nowhere.code().as_deref()),
        (404, Some("http.no_route"))
    );
    let wrong_method = send(&http, &base, "patch", "/v1/health").await;
    assert_eq!(wrong_method.status, 405);

    let mut problems = Vec::new();
    for (method, path) in ovop_server::API_ROUTES {
        let here = format!("{} {path}", method.to_uppercase());
        let answer = send(&http, &base, method, &fill(path)).await;
        let code = answer.code();
        if answer.status == 405 {
            problems.push(format!("{here}: 405, the router has no such method here"));
            continue;
        }
        if code.as_deref() == Some("http.no_route") {
            problems.push(format!("{here}: answered by the fallback (http.no_route)"));
            continue;
        }
        if answer.protocol.as_deref() != Some(version.as_str()) {
            problems.push(format!(
                "{here}: ovop-protocol header {:?}",
                answer.protocol
            ));
        }
        let Some(operation) = ops.get(&(method.to_string(), path.to_string())) else {
            problems.push(format!("{here}: not in openapi.json"));
            continue;
        };
        // Without credentials: an operation that needs them says 401 auth.missing first.
        let public = operation
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|s| s.is_empty());
        if public && answer.status == 401 {
            problems.push(format!(
                "{here}: documented without sign-in, but answered 401 {code:?}"
            ));
        }
        if !public && (answer.status, code.as_deref()) != (401, Some("auth.missing")) {
            problems.push(format!(
                "{here}: documented as needing a token, but answered {} {code:?}",
                answer.status
            ));
        }
        // The answer is one the document lists, with one of its codes.
        match operation["responses"].get(answer.status.to_string()) {
            None => problems.push(format!(
                "{here}: answered {}, which the document does not list",
                answer.status
            )),
            Some(response) => {
                let response = deref(&doc, response);
                let listed: Vec<&str> = response["x-error-codes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if answer.status >= 400 && !code.as_deref().is_some_and(|c| listed.contains(&c)) {
                    problems.push(format!(
                        "{here}: answered {} {code:?}; the document lists {listed:?}",
                        answer.status
                    ));
                }
                if answer.status >= 400
                    && answer.content_type.as_deref() != Some("application/json")
                {
                    problems.push(format!(
                        "{here}: an error of type {:?}",
                        answer.content_type
                    ));
                }
            }
        }
    }

    // (d) The document is served as it is on disk.
    let served = send(&http, &base, "get", "/openapi.json").await;
    assert_eq!(served.status, 200);
    assert_eq!(served.content_type.as_deref(), Some("application/json"));
    if served.body != document_bytes() {
        problems.push(
            "GET /openapi.json differs from crates/server/openapi.json (rebuild the server)".into(),
        );
    }
    running.shutdown(Duration::from_secs(5)).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

//! The OpenAPI document is valid OpenAPI 3.1, declares each parameter where it is sent,
//! and names each schema after exactly one type (two types of one name overwrite each
//! other's component).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(collab_registry::routes::openapi()).unwrap()
}

/// openapi-spec-validator (Python, installed by `.ci/run`; no network: the document's
/// references are all local).
#[test]
fn the_document_passes_an_openapi_3_1_validator() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, serde_json::to_vec(&document()).unwrap()).unwrap();
    let script = "import json, sys\n\
                  from openapi_spec_validator import validate\n\
                  doc = json.load(open(sys.argv[1]))\n\
                  assert doc['openapi'].startswith('3.1'), doc['openapi']\n\
                  validate(doc)\n\
                  print('valid')\n";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs (install openapi-spec-validator==0.9.0 with pip, see .ci/run)");
    assert!(
        out.status.success(),
        "the OpenAPI document is invalid (or openapi-spec-validator is missing: \
         `python3 -m pip install openapi-spec-validator==0.9.0`):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn only_path_template_names_are_path_parameters() {
    let doc = document();
    let mut wrong = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let in_path = path.contains(&format!("{{{name}}}"));
                if (p["in"] == "path") != in_path {
                    wrong.push(format!("{method} {path}: `{name}` is in: {}", p["in"]));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "misplaced parameters:\n{}",
        wrong.join("\n")
    );
}

/// The names of the types that become schemas: structs and enums deriving `ToSchema`, and
/// the `text_enum!` enums (which implement it), with the files that define them.
fn schema_types(dir: &Path, out: &mut BTreeMap<String, Vec<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            schema_types(&path, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut in_text_enum = false;
        let mut derives_schema = false;
        for line in lines {
            let t = line.trim();
            if t.starts_with("crate::text_enum!") || t.starts_with("text_enum!") {
                in_text_enum = true;
            }
            if t.starts_with("#[derive(") && t.contains("ToSchema") {
                derives_schema = true;
            }
            let decl = t
                .strip_prefix("pub struct ")
                .or_else(|| t.strip_prefix("pub enum "))
                .or_else(|| t.strip_prefix("struct "))
                .or_else(|| t.strip_prefix("enum "));
            if let Some(rest) = decl {
                if derives_schema || in_text_enum {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    out.entry(name)
                        .or_default()
                        .push(path.display().to_string());
                }
                derives_schema = false;
                in_text_enum = false;
            }
        }
    }
}

#[test]
fn every_schema_name_belongs_to_one_type() {
    let mut types = BTreeMap::new();
    schema_types(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut types,
    );
    assert!(types.contains_key("OrganizationView") && types.contains_key("Mode"));
    let twice: Vec<_> = types.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(
        twice.is_empty(),
        "one schema name, several types: {twice:?}"
    );
    // The organizations' contact is the one documented under `Contact`.
    let doc = document();
    let contact = &doc["components"]["schemas"]["Contact"];
    let mut props: Vec<&String> = contact["properties"].as_object().unwrap().keys().collect();
    props.sort();
    assert_eq!(props, ["email", "name", "phone"], "{contact}");
}

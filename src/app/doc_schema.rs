//! Request schemas the API document shows per route where one Rust type serves routes with
//! different rules (a need and a capability, a technology field and a region): the shared
//! type's schema without the fields the route refuses (`not_applicable`), with the fields
//! it requires. Handlers still read the shared type; only the document is narrowed, so a
//! client (or a fuzzer) sending what a route's schema allows is accepted.

use utoipa::ToSchema;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Ref, RefOr};

/// `T`'s schema described as `description`, without the properties in `drop`; each
/// `(name, schema)` in `require` becomes a required property of that schema.
pub fn narrowed<T: ToSchema>(
    description: &str,
    drop: &[&str],
    require: &[(&str, &str)],
) -> RefOr<Schema> {
    let mut schema = T::schema();
    if let RefOr::T(Schema::Object(o)) = &mut schema {
        o.description = Some(description.to_owned());
        o.properties
            .retain(|name, _| !drop.contains(&name.as_str()));
        o.required.retain(|name| !drop.contains(&name.as_str()));
        for (name, component) in require {
            o.properties
                .insert((*name).to_owned(), Ref::from_schema_name(*component).into());
            if !o.required.iter().any(|r| r == name) {
                o.required.push((*name).to_owned());
            }
        }
    }
    schema
}

/// `narrowed_schema!(Name = Shared, "description", drop [..], require [(field, Component)..])`
/// declares the document-only type `Name` whose schema is [`narrowed`] `Shared`.
macro_rules! narrowed_schema {
    ($(#[$meta:meta])* $name:ident = $of:ty, $description:literal, drop [$($drop:literal),*]
     $(, require [$(($field:literal, $component:literal)),*])?) => {
        $(#[$meta])*
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::app::doc_schema::narrowed::<$of>(
                    $description,
                    &[$($drop),*],
                    &[$($(($field, $component)),*)?],
                )
            }
        }
        impl utoipa::ToSchema for $name {
            fn schemas(
                out: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>,
            ) {
                <$of as utoipa::ToSchema>::schemas(out)
            }
        }
    };
}
pub(crate) use narrowed_schema;

#[cfg(test)]
mod tests {
    #[allow(dead_code)]
    #[derive(utoipa::ToSchema)]
    struct Shared {
        a: String,
        b: Option<i32>,
        c: Option<String>,
    }
    narrowed_schema!(OnlyA = Shared, "A only.", drop ["b", "c"]);
    narrowed_schema!(WithC = Shared, "With c.", drop["b"], require[("c", "C")]);

    #[test]
    fn a_narrowed_schema_drops_and_requires_what_it_says() {
        use utoipa::PartialSchema;
        let a = serde_json::to_value(OnlyA::schema()).unwrap();
        assert_eq!(a["description"], "A only.");
        assert_eq!(a["required"], serde_json::json!(["a"]));
        assert!(a["properties"].get("b").is_none() && a["properties"].get("c").is_none());
        let c = serde_json::to_value(WithC::schema()).unwrap();
        assert_eq!(c["required"], serde_json::json!(["a", "c"]));
        assert_eq!(c["properties"]["c"]["$ref"], "#/components/schemas/C");
        assert!(c["properties"].get("b").is_none());
    }
}

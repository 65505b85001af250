//! `ApiQuery<T>`: the query string read like a JSON body, so a value that does not parse
//! names its parameter and says what was expected (`limit=abc`: "a whole number between
//! ..."), in the caller's language. actix's `web::Query` (serde_urlencoded) says only
//! "invalid digit found in string".

use std::future::{Ready, ready};
use std::ops::Deref;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::value::{Error, MapDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

use super::problems::explain;
use crate::error::ApiError;

/// The parameters of a request's query string.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for ApiQuery<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

/// Read `T` from a query string: 400 `invalid_query` naming the parameter at fault.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let pairs = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .map(|(k, v)| (k, Text(v)));
    let de = MapDeserializer::<_, Error>::new(pairs);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let path = err.path().to_string();
        let error = explain(&path, &err.into_inner().to_string(), true);
        ApiError::Query {
            errors: vec![error],
        }
    })
}

/// One parameter's value: text that becomes what the parameter's type asks for.
struct Text(String);

impl<'de> IntoDeserializer<'de, Error> for Text {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parsed {
    ($($method:ident => $visit:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0.parse() {
                Ok(v) => visitor.$visit(v),
                Err(_) => Err(de::Error::invalid_value(de::Unexpected::Str(&self.0), &visitor)),
            }
        })*
    };
}

impl<'de> de::Deserializer<'de> for Text {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_string(self.0)
    }

    parsed! {
        deserialize_bool => visit_bool,
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
    }

    /// A parameter that is there has a value (an empty one is the empty text).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map
        struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Locale;
    use crate::error::ErrorCode;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Q {
        limit: Option<i64>,
        overdue: Option<bool>,
        from: Option<crate::app::when::Bound>,
        kind: Option<crate::organizations::domain::OrgKind>,
    }

    fn fails(q: &str, locale: Locale) -> crate::error::FieldError {
        match parse_query::<Q>(q) {
            Err(ApiError::Query { errors }) => errors[0].in_locale(locale),
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn values_become_their_parameters_types() {
        let q: Q = parse_query("limit=5&overdue=true&from=2026-01-01&kind=enterprise").unwrap();
        assert_eq!(q.limit, Some(5));
        assert_eq!(q.overdue, Some(true));
        assert!(q.from.is_some() && q.kind.is_some());
        let q: Q = parse_query("").unwrap();
        assert!(q.limit.is_none());
    }

    #[test]
    fn a_value_that_does_not_parse_names_its_parameter_in_plain_words() {
        let e = fails("limit=abc", Locale::En);
        assert_eq!((e.field.as_str(), e.code), ("limit", ErrorCode::Invalid));
        assert!(
            e.message.contains("a whole number between"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("i64"), "{}", e.message);
        let e = fails("limit=abc", Locale::ZhCn);
        assert!(e.message.contains("整数"), "{}", e.message);
        let e = fails("from=yesterday", Locale::En);
        assert_eq!(e.field, "from");
        assert!(e.message.contains("2026-01-01"), "{}", e.message);
        let e = fails("color=red", Locale::En);
        assert_eq!(
            (e.field.as_str(), e.code),
            ("color", ErrorCode::UnknownField)
        );
        let e = fails("kind=alien", Locale::En);
        assert_eq!(e.field, "kind");
        assert!(e.message.contains("enterprise"), "{}", e.message);
    }
}

//! UTF-8 validation with SIMD (simdutf8): most of what bantin reads — sources and the build
//! cache's records — is Vietnamese, where nearly every word has a multi-byte letter and the
//! standard library's check (fast for ASCII only) runs at a tenth of the speed.

/// `bytes` as a string, or the standard library's error (which says where the first invalid
/// byte is) when they are not UTF-8.
pub fn string_from_utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    match simdutf8::basic::from_utf8(&bytes) {
        // A copy: bantin has no unsafe code, and copying costs less than the scalar check.
        Ok(s) => Ok(s.to_owned()),
        Err(_) => String::from_utf8(bytes),
    }
}

/// Deserialises a string from the bytes a format stores it as (postcard: a length and the
/// bytes, the same as a string's), validated by [`simdutf8`]. For `#[serde(deserialize_with)]`
/// on the long strings of the build cache's records; they serialise as strings.
pub fn de_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_bytes(StringVisitor)
}

/// [`de_string`] for an optional string.
pub fn de_opt_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Opt;
    impl<'de> serde::de::Visitor<'de> for Opt {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an optional string")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            de_string(d).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

struct StringVisitor;

impl<'de> serde::de::Visitor<'de> for StringVisitor {
    type Value = String;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a UTF-8 string")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<String, E> {
        Ok(s.to_owned())
    }
    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<String, E> {
        Ok(s)
    }
    fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<String, E> {
        simdutf8::basic::from_utf8(b).map(str::to_owned).map_err(|_| E::custom("a string is not UTF-8"))
    }
    fn visit_byte_buf<E: serde::de::Error>(self, b: Vec<u8>) -> Result<String, E> {
        string_from_utf8(b).map_err(|_| E::custom("a string is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Record {
        #[serde(deserialize_with = "de_string")]
        title: String,
        #[serde(deserialize_with = "de_opt_string")]
        summary: Option<String>,
        n: u32,
    }

    #[test]
    fn records_read_back_as_written() {
        for r in [
            Record { title: "Đà Nẵng mưa lớn".into(), summary: Some("Ðà Nẵng".into()), n: 7 },
            Record { title: String::new(), summary: None, n: 0 },
        ] {
            let bytes = postcard::to_stdvec(&r).expect("encode");
            assert_eq!(postcard::from_bytes::<Record>(&bytes).expect("decode"), r);
            let json = serde_json::to_string(&r).expect("json");
            assert_eq!(serde_json::from_str::<Record>(&json).expect("json back"), r);
        }
        // Bytes that are not UTF-8 are an error, never a string.
        let mut bytes =
            postcard::to_stdvec(&Record { title: "ab".into(), summary: None, n: 1 }).expect("encode");
        bytes[1] = 0xff;
        assert!(postcard::from_bytes::<Record>(&bytes).is_err());
    }

    #[test]
    fn sources_are_checked_like_the_standard_library() {
        assert_eq!(string_from_utf8("Hà Nội".as_bytes().to_vec()).expect("utf-8"), "Hà Nội");
        let bad = b"H\xc3 N".to_vec();
        let e = string_from_utf8(bad.clone()).expect_err("invalid");
        assert_eq!(e.utf8_error().valid_up_to(), 1);
        assert_eq!(e.into_bytes(), bad);
    }
}

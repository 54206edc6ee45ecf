//! The 12-digit personal id number (số định danh cá nhân, CCCD): 3 digits for the province of
//! birth, 1 for sex and century, 2 for the year of birth, then 6 more.
use crate::Error;
use chrono::Datelike;

/// Province codes in use for personal id numbers (the 63 provinces before the 2025 merger;
/// numbers already issued keep them).
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
    37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
    75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalId {
    pub number: String,
    pub province_code: u16,
    pub female: bool,
    pub birth_year: i32,
}

fn bad(message: &str) -> Error {
    Error::invalid("invalid_personal_id", "Số định danh cá nhân", message)
}

/// Checks the structure of a personal id number and returns what it encodes.
pub fn parse(input: &str) -> Result<PersonalId, Error> {
    let number: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if number.len() != 12 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("phải gồm đúng 12 chữ số."));
    }
    let digit = |i: usize| u16::from(number.as_bytes()[i] - b'0');
    let province_code = digit(0) * 100 + digit(1) * 10 + digit(2);
    if !PROVINCE_CODES.contains(&province_code) {
        return Err(bad("3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh."));
    }
    let sex_century = digit(3);
    let century = 1900 + i32::from(sex_century / 2) * 100;
    let birth_year = century + i32::from(digit(4) * 10 + digit(5));
    let this_year = chrono::Utc::now().year();
    if birth_year > this_year || birth_year < this_year - 130 {
        return Err(bad("chữ số giới tính, thế kỷ và năm sinh không hợp lệ."));
    }
    Ok(PersonalId { number, province_code, female: sex_century % 2 == 1, birth_year })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_well_formed_number() {
        let id = parse("051 2 05 012345").unwrap();
        assert_eq!(id.province_code, 51);
        assert_eq!(id.birth_year, 2005);
        assert!(!id.female);
        assert_eq!(parse("001190123456").unwrap().birth_year, 1990);
        assert!(parse("079305000001").unwrap().female);
    }

    #[test]
    fn rejects_bad_structure() {
        for bad in ["12345", "05120501234a", "003190123456", "051999012345", "0512050123456"] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_personal_id", "{bad}");
        }
        // Born in 2099: a year in the future.
        assert!(parse("051299012345").is_err());
    }
}

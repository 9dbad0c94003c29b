//! Column buffers that systems append rows to; the export crate turns them into Parquet.
//! Keeping this free of polars keeps the model crate light and the dependency one-way.

/// One column's values.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// 64-bit floats.
    F64(Vec<f64>),
    /// 64-bit signed integers.
    I64(Vec<i64>),
    /// 32-bit unsigned integers.
    U32(Vec<u32>),
    /// 16-bit unsigned integers.
    U16(Vec<u16>),
    /// 8-bit unsigned integers.
    U8(Vec<u8>),
    /// Booleans.
    Bool(Vec<bool>),
    /// Strings.
    Str(Vec<String>),
    /// Strings from a small set, stored as codes (written out as plain strings): the
    /// firm table holds tens of millions of rows at national scale.
    Cat {
        /// Label of each code.
        levels: Vec<String>,
        /// One code per row.
        codes: Vec<u16>,
    },
}

impl Values {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Values::F64(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::U32(v) => v.len(),
            Values::U16(v) => v.len(),
            Values::U8(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Str(v) => v.len(),
            Values::Cat { codes, .. } => codes.len(),
        }
    }

    fn reserve_exact(&mut self, rows: usize) {
        match self {
            Values::F64(v) => v.reserve_exact(rows),
            Values::I64(v) => v.reserve_exact(rows),
            Values::U32(v) => v.reserve_exact(rows),
            Values::U16(v) => v.reserve_exact(rows),
            Values::U8(v) => v.reserve_exact(rows),
            Values::Bool(v) => v.reserve_exact(rows),
            Values::Str(v) => v.reserve_exact(rows),
            Values::Cat { codes, .. } => codes.reserve_exact(rows),
        }
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named table of equal-length columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File stem, e.g. `aggregates`.
    pub name: &'static str,
    /// Columns in output order.
    pub columns: Vec<(&'static str, Values)>,
    /// Rows a new column reserves room for (0: grow as needed). Large tables whose final
    /// size is known set it, so no column ends with up to twice the memory it needs.
    pub expected_rows: usize,
}

impl Table {
    /// An empty table.
    pub fn new(name: &'static str) -> Self {
        Table { name, columns: Vec::new(), expected_rows: 0 }
    }

    /// Rows so far (the length of the first column).
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| v.len())
    }

    fn slot(&mut self, name: &'static str, make: fn() -> Values) -> &mut Values {
        let i = match self.columns.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                let mut v = make();
                v.reserve_exact(self.expected_rows);
                self.columns.push((name, v));
                self.columns.len() - 1
            }
        };
        &mut self.columns[i].1
    }

    /// Appends a float to `name`.
    pub fn f64(&mut self, name: &'static str, v: f64) {
        match self.slot(name, || Values::F64(Vec::new())) {
            Values::F64(c) => c.push(v),
            _ => panic!("column {name} is not f64"),
        }
    }
    /// Appends an i64 to `name`.
    pub fn i64(&mut self, name: &'static str, v: i64) {
        match self.slot(name, || Values::I64(Vec::new())) {
            Values::I64(c) => c.push(v),
            _ => panic!("column {name} is not i64"),
        }
    }
    /// Appends a u32 to `name`.
    pub fn u32(&mut self, name: &'static str, v: u32) {
        match self.slot(name, || Values::U32(Vec::new())) {
            Values::U32(c) => c.push(v),
            _ => panic!("column {name} is not u32"),
        }
    }
    /// Appends a u16 to `name`.
    pub fn u16(&mut self, name: &'static str, v: u16) {
        match self.slot(name, || Values::U16(Vec::new())) {
            Values::U16(c) => c.push(v),
            _ => panic!("column {name} is not u16"),
        }
    }
    /// Appends a u8 to `name`.
    pub fn u8(&mut self, name: &'static str, v: u8) {
        match self.slot(name, || Values::U8(Vec::new())) {
            Values::U8(c) => c.push(v),
            _ => panic!("column {name} is not u8"),
        }
    }
    /// Appends a bool to `name`.
    pub fn bool(&mut self, name: &'static str, v: bool) {
        match self.slot(name, || Values::Bool(Vec::new())) {
            Values::Bool(c) => c.push(v),
            _ => panic!("column {name} is not bool"),
        }
    }
    /// Appends a string to `name`.
    pub fn str(&mut self, name: &'static str, v: &str) {
        match self.slot(name, || Values::Str(Vec::new())) {
            Values::Str(c) => c.push(v.to_string()),
            _ => panic!("column {name} is not a string"),
        }
    }

    /// Appends label `v`, with code `code` (the caller's index of the label), to `name`.
    pub fn cat(&mut self, name: &'static str, code: u16, v: &str) {
        match self.slot(name, || Values::Cat { levels: Vec::new(), codes: Vec::new() }) {
            Values::Cat { levels, codes } => {
                let c = code as usize;
                if levels.len() <= c {
                    levels.resize(c + 1, String::new());
                }
                if levels[c] != v {
                    levels[c] = v.to_string();
                }
                codes.push(code);
            }
            _ => panic!("column {name} is not categorical"),
        }
    }

    /// The column `name`, if present.
    pub fn column(&self, name: &str) -> Option<&Values> {
        self.columns.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// The float column `name` (panics if absent or not f64; for tests and reports).
    pub fn f64s(&self, name: &str) -> &[f64] {
        match self.column(name) {
            Some(Values::F64(v)) => v,
            _ => panic!("no f64 column {name} in {}", self.name),
        }
    }
}

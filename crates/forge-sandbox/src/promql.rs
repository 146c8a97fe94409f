//! A small PromQL for the sandbox's own `/api/v1/query`, enough for canary analysis without a
//! Prometheus: selectors with `=`, `!=`, `=~` and `!~` matchers, `rate`/`increase` over a range,
//! `sum` and `sum by (...)`, numbers, and `+ - * /` (vector/vector matching on equal labels, or a
//! single-element side broadcast). The answer has Prometheus's JSON shape.

use serde_json::{Value, json};
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

/// One counter's samples over time: (seconds since the epoch, value).
pub struct History<'a> {
    pub name: &'a str,
    pub series: Vec<(Labels, &'a [(f64, f64)])>,
}

#[derive(Debug, PartialEq)]
enum Expr {
    Number(f64),
    Selector {
        name: String,
        matchers: Vec<(String, Op, String)>,
        range: Option<f64>,
    },
    Call {
        function: String,
        argument: Box<Expr>,
    },
    Sum {
        by: Vec<String>,
        argument: Box<Expr>,
    },
    Binary {
        op: char,
        left: Box<Expr>,
        right: Box<Expr>,
    },
}

#[derive(Debug, PartialEq, Clone, Copy)]
enum Op {
    Eq,
    Ne,
    Re,
    NotRe,
}

type Vector = Vec<(Labels, f64)>;

/// Evaluates `query` at `now`; Err is a message for a `bad_data` error.
pub fn query(text: &str, history: &History, now: f64) -> Result<Value, String> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        at: 0,
    };
    let expr = parser.expression()?;
    if parser.at != parser.tokens.len() {
        return Err(format!("unexpected {:?}", parser.tokens[parser.at]));
    }
    let result = match evaluate(&expr, history, now)? {
        Evaluated::Scalar(value) => {
            json!({"resultType": "scalar", "result": [now, format_value(value)]})
        }
        Evaluated::Vector(vector) => json!({
            "resultType": "vector",
            "result": vector.into_iter().map(|(labels, value)| json!({"metric": labels, "value": [now, format_value(value)]})).collect::<Vec<_>>(),
        }),
    };
    Ok(json!({"status": "success", "data": result}))
}

fn format_value(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else {
        value.to_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Number(f64),
    Text(String),
    Symbol(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':')
            {
                i += 1;
            }
            tokens.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            // A duration inside a range: 30s, 5m, 1h.
            if i < chars.len() && matches!(chars[i], 's' | 'm' | 'h') {
                let unit = match chars[i] {
                    's' => 1.0,
                    'm' => 60.0,
                    _ => 3600.0,
                };
                i += 1;
                tokens.push(Token::Number(
                    number.parse::<f64>().map_err(|e| e.to_string())? * unit,
                ));
            } else {
                tokens.push(Token::Number(
                    number.parse().map_err(|_| format!("bad number {number}"))?,
                ));
            }
        } else if c == '"' {
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += 1;
            }
            if i >= chars.len() {
                return Err("unterminated string".into());
            }
            tokens.push(Token::Text(chars[start..i].iter().collect()));
            i += 1;
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["!=", "=~", "!~"].contains(&two.as_str()) {
                tokens.push(Token::Symbol(two));
                i += 2;
            } else if "{}[](),=+-*/".contains(c) {
                tokens.push(Token::Symbol(c.to_string()));
                i += 1;
            } else {
                return Err(format!("unexpected character '{c}'"));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn expect(&mut self, symbol: &str) -> Result<(), String> {
        match self.next() {
            Some(Token::Symbol(s)) if s == symbol => Ok(()),
            other => Err(format!("expected '{symbol}', found {other:?}")),
        }
    }

    fn is_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(s)) if s == symbol)
    }

    /// Additive level: term (('+'|'-') term)*.
    fn expression(&mut self) -> Result<Expr, String> {
        let mut left = self.term()?;
        while self.is_symbol("+") || self.is_symbol("-") {
            let Some(Token::Symbol(op)) = self.next() else {
                unreachable!()
            };
            let right = self.term()?;
            left = Expr::Binary {
                op: op.chars().next().unwrap_or('+'),
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    /// Multiplicative level: factor (('*'|'/') factor)*.
    fn term(&mut self) -> Result<Expr, String> {
        let mut left = self.factor()?;
        while self.is_symbol("*") || self.is_symbol("/") {
            let Some(Token::Symbol(op)) = self.next() else {
                unreachable!()
            };
            let right = self.factor()?;
            left = Expr::Binary {
                op: op.chars().next().unwrap_or('*'),
                left: Box::new(left),
                right: Box::new(right),
            };
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Token::Number(n)) => Ok(Expr::Number(n)),
            Some(Token::Symbol(s)) if s == "(" => {
                let inner = self.expression()?;
                self.expect(")")?;
                Ok(inner)
            }
            Some(Token::Ident(name)) if name == "sum" => {
                let mut by = Vec::new();
                if matches!(self.peek(), Some(Token::Ident(word)) if word == "by") {
                    self.next();
                    by = self.label_list()?;
                }
                self.expect("(")?;
                let argument = self.expression()?;
                self.expect(")")?;
                if by.is_empty() && matches!(self.peek(), Some(Token::Ident(word)) if word == "by")
                {
                    self.next();
                    by = self.label_list()?;
                }
                Ok(Expr::Sum {
                    by,
                    argument: Box::new(argument),
                })
            }
            Some(Token::Ident(name)) if self.is_symbol("(") => {
                if !["rate", "increase", "irate"].contains(&name.as_str()) {
                    return Err(format!(
                        "unsupported function {name} (rate, irate, increase and sum are)"
                    ));
                }
                self.expect("(")?;
                let argument = self.expression()?;
                self.expect(")")?;
                Ok(Expr::Call {
                    function: name,
                    argument: Box::new(argument),
                })
            }
            Some(Token::Ident(name)) => self.selector(name),
            other => Err(format!("unexpected {other:?}")),
        }
    }

    fn label_list(&mut self) -> Result<Vec<String>, String> {
        self.expect("(")?;
        let mut labels = Vec::new();
        while let Some(Token::Ident(label)) = self.peek().cloned() {
            self.next();
            labels.push(label);
            if self.is_symbol(",") {
                self.next();
            }
        }
        self.expect(")")?;
        Ok(labels)
    }

    fn selector(&mut self, name: String) -> Result<Expr, String> {
        let mut matchers = Vec::new();
        if self.is_symbol("{") {
            self.next();
            while let Some(Token::Ident(label)) = self.peek().cloned() {
                self.next();
                let op = match self.next() {
                    Some(Token::Symbol(s)) if s == "=" => Op::Eq,
                    Some(Token::Symbol(s)) if s == "!=" => Op::Ne,
                    Some(Token::Symbol(s)) if s == "=~" => Op::Re,
                    Some(Token::Symbol(s)) if s == "!~" => Op::NotRe,
                    other => {
                        return Err(format!("expected a matcher after {label}, found {other:?}"));
                    }
                };
                let Some(Token::Text(value)) = self.next() else {
                    return Err(format!("expected a quoted value for {label}"));
                };
                matchers.push((label, op, value));
                if self.is_symbol(",") {
                    self.next();
                }
            }
            self.expect("}")?;
        }
        let mut range = None;
        if self.is_symbol("[") {
            self.next();
            let Some(Token::Number(seconds)) = self.next() else {
                return Err("expected a range like [1m]".into());
            };
            self.expect("]")?;
            range = Some(seconds);
        }
        Ok(Expr::Selector {
            name,
            matchers,
            range,
        })
    }
}

/// Regex matching for the patterns analysis queries use: literals, `.`, `.*`, `.+`, `|`, and
/// character classes written as `[45]`.
fn regex_match(pattern: &str, text: &str) -> bool {
    pattern
        .split('|')
        .any(|alternative| regex_here(alternative.as_bytes(), text.as_bytes()))
}

fn regex_here(pattern: &[u8], text: &[u8]) -> bool {
    if pattern.is_empty() {
        return text.is_empty();
    }
    let (atom, rest): (Box<dyn Fn(u8) -> bool>, &[u8]) = if pattern[0] == b'[' {
        match pattern.iter().position(|&b| b == b']') {
            Some(end) => {
                let set = pattern[1..end].to_vec();
                (Box::new(move |b| set.contains(&b)), &pattern[end + 1..])
            }
            None => return false,
        }
    } else if pattern[0] == b'.' {
        (Box::new(|_| true), &pattern[1..])
    } else {
        let literal = pattern[0];
        (Box::new(move |b| b == literal), &pattern[1..])
    };
    match rest.first() {
        Some(b'*') | Some(b'+') => {
            let minimum = usize::from(rest[0] == b'+');
            let after = &rest[1..];
            let mut count = 0;
            loop {
                if count >= minimum && regex_here(after, &text[count..]) {
                    return true;
                }
                if count < text.len() && atom(text[count]) {
                    count += 1;
                } else {
                    return false;
                }
            }
        }
        _ => !text.is_empty() && atom(text[0]) && regex_here(rest, &text[1..]),
    }
}

enum Evaluated {
    Scalar(f64),
    Vector(Vector),
}

fn evaluate(expr: &Expr, history: &History, now: f64) -> Result<Evaluated, String> {
    Ok(match expr {
        Expr::Number(n) => Evaluated::Scalar(*n),
        Expr::Selector {
            name,
            matchers,
            range,
        } => {
            if range.is_some() {
                return Err("a range vector needs rate() or increase()".into());
            }
            Evaluated::Vector(
                select(history, name, matchers)
                    .map(|(labels, samples)| (labels, samples.last().map_or(0.0, |s| s.1)))
                    .collect(),
            )
        }
        Expr::Call { function, argument } => {
            let Expr::Selector {
                name,
                matchers,
                range: Some(range),
            } = argument.as_ref()
            else {
                return Err(format!("{function}() takes a range vector like metric[1m]"));
            };
            let vector = select(history, name, matchers)
                .filter_map(|(labels, samples)| {
                    let window: Vec<&(f64, f64)> =
                        samples.iter().filter(|(t, _)| *t >= now - range).collect();
                    let (first, last) = (window.first()?, window.last()?);
                    if window.len() < 2 || last.0 <= first.0 {
                        return None;
                    }
                    let increase = last.1 - first.1;
                    let value = match function.as_str() {
                        "increase" => increase * range / (last.0 - first.0),
                        _ => increase / (last.0 - first.0),
                    };
                    Some((labels, value))
                })
                .collect();
            Evaluated::Vector(vector)
        }
        Expr::Sum { by, argument } => {
            let Evaluated::Vector(vector) = evaluate(argument, history, now)? else {
                return Err("sum() takes a vector".into());
            };
            let mut groups: BTreeMap<Labels, f64> = BTreeMap::new();
            for (labels, value) in vector {
                let key: Labels = labels.into_iter().filter(|(k, _)| by.contains(k)).collect();
                *groups.entry(key).or_default() += value;
            }
            Evaluated::Vector(groups.into_iter().collect())
        }
        Expr::Binary { op, left, right } => {
            let apply = |a: f64, b: f64| match op {
                '+' => a + b,
                '-' => a - b,
                '*' => a * b,
                _ => a / b,
            };
            match (
                evaluate(left, history, now)?,
                evaluate(right, history, now)?,
            ) {
                (Evaluated::Scalar(a), Evaluated::Scalar(b)) => Evaluated::Scalar(apply(a, b)),
                (Evaluated::Vector(v), Evaluated::Scalar(b)) => {
                    Evaluated::Vector(v.into_iter().map(|(l, a)| (l, apply(a, b))).collect())
                }
                (Evaluated::Scalar(a), Evaluated::Vector(v)) => {
                    Evaluated::Vector(v.into_iter().map(|(l, b)| (l, apply(a, b))).collect())
                }
                (Evaluated::Vector(left), Evaluated::Vector(right)) => {
                    let vector = if left.len() == 1 && right.len() == 1 {
                        vec![(Labels::new(), apply(left[0].1, right[0].1))]
                    } else {
                        left.into_iter()
                            .filter_map(|(labels, a)| {
                                right
                                    .iter()
                                    .find(|(l, _)| *l == labels)
                                    .map(|(_, b)| (labels, apply(a, *b)))
                            })
                            .collect()
                    };
                    Evaluated::Vector(vector)
                }
            }
        }
    })
}

fn select<'a>(
    history: &'a History,
    name: &'a str,
    matchers: &'a [(String, Op, String)],
) -> impl Iterator<Item = (Labels, &'a [(f64, f64)])> + 'a {
    history
        .series
        .iter()
        .filter(move |(labels, _)| {
            history.name == name
                && matchers.iter().all(|(label, op, value)| {
                    let actual = labels.get(label).map(String::as_str).unwrap_or("");
                    match op {
                        Op::Eq => actual == value,
                        Op::Ne => actual != value,
                        Op::Re => regex_match(value, actual),
                        Op::NotRe => !regex_match(value, actual),
                    }
                })
        })
        .map(|(labels, samples)| (labels.clone(), *samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(code: &str, version: &str) -> Labels {
        [("app", "web"), ("code", code), ("version", version)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn regexes_cover_what_analysis_queries_use() {
        assert!(regex_match("5..", "503"));
        assert!(regex_match("5.*", "5"));
        assert!(regex_match("[45]..", "404"));
        assert!(regex_match("200|201", "201"));
        assert!(!regex_match("5..", "200"));
        assert!(!regex_match("5..", "5000"));
    }

    #[test]
    fn computes_an_error_ratio_per_version() {
        // 10 req/s for 60 s; version 2 fails a quarter of them.
        let ok1: Vec<(f64, f64)> = (0..=60).map(|t| (t as f64, 10.0 * t as f64)).collect();
        let ok2: Vec<(f64, f64)> = (0..=60).map(|t| (t as f64, 7.5 * t as f64)).collect();
        let bad2: Vec<(f64, f64)> = (0..=60).map(|t| (t as f64, 2.5 * t as f64)).collect();
        let history = History {
            name: "http_requests_total",
            series: vec![
                (labels("200", "1"), &ok1[..]),
                (labels("200", "2"), &ok2[..]),
                (labels("500", "2"), &bad2[..]),
            ],
        };
        let ratio = query(
            r#"sum(rate(http_requests_total{app="web",version="2",code=~"5.."}[30s])) / sum(rate(http_requests_total{app="web",version="2"}[30s]))"#,
            &history,
            60.0,
        )
        .unwrap();
        assert_eq!(ratio["data"]["result"][0]["value"][1], "0.25");
        let by_version = query(
            r#"sum by (version) (rate(http_requests_total[1m]))"#,
            &history,
            60.0,
        )
        .unwrap();
        let result = by_version["data"]["result"].as_array().unwrap();
        assert_eq!(result.len(), 2);
        assert_eq!(result[0]["metric"]["version"], "1");
        assert_eq!(result[0]["value"][1], "10");
        let increase = query(
            r#"sum(increase(http_requests_total{code="500"}[1m]))"#,
            &history,
            60.0,
        )
        .unwrap();
        assert_eq!(increase["data"]["result"][0]["value"][1], "150");
        // No data is an empty vector, never a pass.
        let none = query(
            r#"sum(rate(http_requests_total{app="other"}[1m]))"#,
            &history,
            60.0,
        )
        .unwrap();
        assert_eq!(none["data"]["result"], json!([]));
    }

    #[test]
    fn bad_queries_are_errors() {
        let history = History {
            name: "x",
            series: Vec::new(),
        };
        assert!(query("histogram_quantile(0.9, x)", &history, 0.0).is_err());
        assert!(query("x{a=", &history, 0.0).is_err());
        assert!(query("x[1m]", &history, 0.0).is_err());
    }
}

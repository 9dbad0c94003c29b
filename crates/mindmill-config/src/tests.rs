use super::*;

fn err(text: &str) -> ConfigError {
    Config::from_toml_str(text, "user.toml").expect_err("should be rejected")
}

#[test]
fn baseline_is_complete_and_valid() {
    // Parsed without merging, so every field must be present in configs/baseline.toml.
    let c = Config::baseline();
    assert_eq!(c.run.workers, 100_000);
    assert_eq!(c.ticks(), 120);
    assert_eq!(c.worker_weight(), 1409);
}

#[test]
fn empty_user_file_is_the_baseline() {
    assert_eq!(Config::from_toml_str("", "user.toml").unwrap(), Config::baseline());
}

#[test]
fn partial_override_keeps_the_rest() {
    let c = Config::from_toml_str("[run]\nworkers = 5000\n", "user.toml").unwrap();
    assert_eq!(c.run.workers, 5000);
    assert_eq!(c.run.firms, Config::baseline().run.firms);
}

#[test]
fn resolved_config_round_trips() {
    let c = Config::baseline();
    assert_eq!(Config::from_toml_str(&c.to_toml(), "round.toml").unwrap(), c);
}

#[test]
fn unknown_key_is_named_with_a_suggestion_and_line() {
    let e = err("[run]\nworkers = 5000\nyaers = 3\n");
    assert_eq!(e.key, "run.yaers");
    assert!(e.message.contains("did you mean `years`"), "{e}");
    assert_eq!(e.line, Some(3));
    assert!(e.to_string().starts_with("user.toml:3"), "{e}");
}

#[test]
fn wrong_type_names_the_key() {
    let e = err("[run]\nworkers = \"many\"\n");
    assert_eq!(e.key, "run.workers");
    assert!(e.message.contains("invalid type"), "{e}");
}

#[test]
fn impossible_values_say_what_is_allowed() {
    let e = err("[population]\ninitial_unemployment = 1.5\n");
    assert_eq!(e.key, "population.initial_unemployment");
    assert!(e.message.contains("0 to 0.5"), "{e}");
    let e = err("[government]\nincome_tax = -0.1\n");
    assert_eq!(e.key, "government.income_tax");
}

#[test]
fn event_after_horizon_is_rejected() {
    let e = err("[run]\nyears = 2\n[[events]]\nmonth = 30\nkind = \"capability_jump\"\nvalue = 1.0\n");
    assert_eq!(e.key, "events[0].month");
    assert!(e.message.contains("0 to 23"), "{e}");
}

#[test]
fn regulation_needs_a_tier() {
    let e = err("[[events]]\nmonth = 3\nkind = \"regulation\"\nvalue = 0.2\n");
    assert_eq!(e.key, "events[0].tier");
    let ok = Config::from_toml_str("[[events]]\nmonth = 3\nkind = \"regulation\"\nvalue = 0.2\ntier = \"A\"\n", "u");
    assert!(ok.is_ok());
}

#[test]
fn unknown_event_kind_lists_the_kinds() {
    let e = err("[[events]]\nmonth = 3\nkind = \"meteor\"\nvalue = 1.0\n");
    assert!(e.message.contains("capability_jump"), "{e}");
}

#[test]
fn bad_toml_gives_a_line() {
    let e = err("[run\nworkers = 3\n");
    assert_eq!(e.line, Some(1));
    assert!(e.message.contains("not valid TOML"));
}

#[test]
fn unreadable_file_is_named() {
    let e = Config::from_file(Path::new("/nonexistent/mindmill.toml")).unwrap_err();
    assert!(e.to_string().contains("/nonexistent/mindmill.toml"));
    assert!(e.message.contains("cannot read"));
}

#[test]
fn consumer_shares_must_sum_to_one() {
    let mut c = Config::baseline();
    c.providers[0].consumer_share = 0.9;
    let e = Config::from_toml_str(&c.to_toml(), "u").unwrap_err();
    assert_eq!(e.key, "providers[].consumer_share");
}

#[test]
fn every_parameter_is_documented_in_model_md() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/MODEL.md")).unwrap();
    fn keys(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    match v {
                        toml::Value::Table(_) => keys(v, out),
                        toml::Value::Array(a) if a.iter().all(|x| x.is_table()) && !a.is_empty() => {
                            a.iter().for_each(|x| keys(x, out))
                        }
                        _ => out.push(k.clone()),
                    }
                }
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    keys(&toml::from_str::<toml::Value>(BASELINE_TOML).unwrap(), &mut all);
    let missing: Vec<_> = all.iter().filter(|k| *k != "events" && !doc.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "parameters missing from docs/MODEL.md: {missing:?}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const KEYS: [&str; 12] = [
        "run.workers",
        "run.years",
        "run.seed",
        "population.initial_unemployment",
        "technology.task_spread_oom",
        "technology.open_weight_lag_months",
        "datacenters.pue_new",
        "firms.markup",
        "adoption.regulation_cap",
        "wages.psi_cpi",
        "government.compute_tax",
        "providers",
    ];

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|v| v.to_string()),
            any::<f64>().prop_map(|v| format!("{v:?}").replace("NaN", "nan").replace("inf", "inf")),
            "[a-z]{0,8}".prop_map(|s| format!("\"{s}\"")),
            Just("[]".to_string()),
            Just("[1.0, 2.0]".to_string()),
            Just("{ a = 1 }".to_string()),
            Just("true".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// Arbitrary text never panics the loader.
        #[test]
        fn any_text_is_accepted_or_rejected_without_panic(text in "\\PC{0,200}") {
            let _ = Config::from_toml_str(&text, "fuzz.toml");
        }

        /// Well-formed TOML with arbitrary values at real keys never panics, and a rejection
        /// always names the file.
        #[test]
        fn any_value_at_a_real_key_is_checked(k in 0..KEYS.len(), v in value()) {
            let (section, key) = KEYS[k].split_once('.').unwrap_or(("", KEYS[k]));
            let text = if section.is_empty() { format!("{key} = {v}\n") } else { format!("[{section}]\n{key} = {v}\n") };
            if let Err(e) = Config::from_toml_str(&text, "fuzz.toml") {
                prop_assert!(e.to_string().starts_with("fuzz.toml"), "{}", e);
            }
        }
    }
}

#[test]
fn type_errors_name_what_is_allowed_not_a_rust_type() {
    // Issue 18: "expected u64" means nothing to a user.
    for (text, plain) in [
        ("[run]\nworkers = \"many\"\n", "a whole number"),
        ("[run]\nworkers = -5\n", "a whole number"),
        ("[firms]\nmarkup = \"high\"\n", "a number"),
    ] {
        let e = err(text);
        assert!(e.message.contains(plain) && !e.message.contains("u64") && !e.message.contains("f64"), "{}", e.message);
    }
}

//! Promotion gates: what must hold before a release moves from one env to the next. Pure
//! functions over what git and the cluster said; the commands gather those facts.

pub mod analysis;

use crate::decide::Verdict;
use crate::model::release::Release;
use serde::Serialize;
use std::time::Duration;

/// One gate, and whether it let the promotion through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GateCheck {
    pub gate: &'static str,
    pub passed: bool,
    pub detail: String,
}

/// What the source env looks like, as far as promotion cares.
pub struct Source<'a> {
    pub env: &'a str,
    /// Its release.json at the branch tip; None when nothing was deployed there.
    pub release: Option<&'a Release>,
    /// Whether the cluster runs exactly that release, healthy (None: not asked).
    pub health: Option<&'a Verdict>,
}

pub struct Rules {
    pub require_healthy: bool,
    pub soak: Option<Duration>,
}

/// Checks the gates in order: something to promote, healthy at that version, soaked long
/// enough. Every gate is reported, so `forge status` can say which one blocks.
pub fn promotion(source: &Source, rules: &Rules, now: f64) -> Vec<GateCheck> {
    let Some(release) = source.release else {
        return vec![GateCheck {
            gate: "release",
            passed: false,
            detail: format!("nothing is deployed to {}", source.env),
        }];
    };
    let mut checks = vec![GateCheck {
        gate: "release",
        passed: true,
        detail: format!("{} runs {}", source.env, release.version),
    }];
    if rules.require_healthy {
        let (passed, detail) = match source.health {
            Some(Verdict::Done) => (
                true,
                format!("{} is healthy at {}", source.env, release.version),
            ),
            Some(Verdict::Pending(text)) => {
                (false, format!("{} is not healthy yet: {text}", source.env))
            }
            Some(Verdict::Failed(text)) => (false, format!("{} is failing: {text}", source.env)),
            None => (false, format!("the health of {} is unknown", source.env)),
        };
        checks.push(GateCheck {
            gate: "healthy",
            passed,
            detail,
        });
    }
    if let Some(soak) = rules.soak {
        let deployed = crate::time::parse_rfc3339(&release.deployed_at);
        let (passed, detail) = match deployed {
            Some(at) if now - at >= soak.as_secs_f64() => (
                true,
                format!("{} has run since {}", release.version, release.deployed_at),
            ),
            Some(at) => {
                let left = (soak.as_secs_f64() - (now - at)).ceil() as u64;
                (
                    false,
                    format!(
                        "{} has soaked {} of {} in {} ({} left)",
                        release.version,
                        crate::duration::Duration(Duration::from_secs((now - at).max(0.0) as u64)),
                        crate::duration::Duration(soak),
                        source.env,
                        crate::duration::Duration(Duration::from_secs(left))
                    ),
                )
            }
            None => (
                false,
                format!("release.json in {} has no valid deployedAt", source.env),
            ),
        };
        checks.push(GateCheck {
            gate: "soak",
            passed,
            detail,
        });
    }
    checks
}

/// The first gate that holds a promotion back.
pub fn blocking(checks: &[GateCheck]) -> Option<&GateCheck> {
    checks.iter().find(|check| !check.passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(deployed_at: &str) -> Release {
        serde_json::from_value(serde_json::json!({
            "app": "hello", "env": "dev", "version": "1.2.0",
            "bundleDigest": "sha256:00", "deployedAt": deployed_at,
            "strategy": {"type": "rolling"},
        }))
        .unwrap()
    }

    const NOON: f64 = 1_795_521_600.0; // 2026-11-24T12:00:00Z

    fn rules(soak: Option<u64>) -> Rules {
        Rules {
            require_healthy: true,
            soak: soak.map(Duration::from_secs),
        }
    }

    #[test]
    fn a_healthy_soaked_release_passes_every_gate() {
        let release = release("2026-11-24T11:00:00Z");
        let source = Source {
            env: "dev",
            release: Some(&release),
            health: Some(&Verdict::Done),
        };
        let checks = promotion(&source, &rules(Some(1800)), NOON);
        assert_eq!(
            checks
                .iter()
                .map(|c| (c.gate, c.passed))
                .collect::<Vec<_>>(),
            [("release", true), ("healthy", true), ("soak", true)]
        );
        assert_eq!(blocking(&checks), None);
    }

    #[test]
    fn soak_says_how_long_is_left() {
        let release = release("2026-11-24T11:50:00Z");
        let source = Source {
            env: "dev",
            release: Some(&release),
            health: Some(&Verdict::Done),
        };
        let checks = promotion(&source, &rules(Some(3600)), NOON);
        let soak = blocking(&checks).unwrap();
        assert_eq!(soak.gate, "soak");
        assert!(soak.detail.contains("10m of 1h"), "{}", soak.detail);
        assert!(soak.detail.contains("50m left"), "{}", soak.detail);
    }

    #[test]
    fn unhealthy_or_unknown_health_blocks() {
        let release = release("2026-11-24T11:00:00Z");
        for health in [
            Some(Verdict::Pending("1/2 ready".into())),
            Some(Verdict::Failed("CrashLoopBackOff".into())),
            None,
        ] {
            let source = Source {
                env: "dev",
                release: Some(&release),
                health: health.as_ref(),
            };
            let checks = promotion(&source, &rules(None), NOON);
            assert_eq!(blocking(&checks).unwrap().gate, "healthy");
        }
    }

    #[test]
    fn nothing_deployed_blocks_first() {
        let source = Source {
            env: "dev",
            release: None,
            health: None,
        };
        let checks = promotion(&source, &rules(Some(60)), NOON);
        assert_eq!(checks.len(), 1);
        assert_eq!(blocking(&checks).unwrap().gate, "release");
    }
}

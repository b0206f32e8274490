//! Faults a scheduled run meets, through the real binary (issue 17): two runs on one output
//! folder, a run killed with SIGKILL while writing, an output folder that cannot be written or a
//! disk that fills up (a file-size limit on the child process), and an export that disappears
//! between discovery and reading. The last good report always survives, with no leftovers.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const PERIOD: &str = "2026-Q3";
const LOCK: &str = ".crm-audit.lock";

fn client(dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(["sample", "--quiet", "--customers", "200", "--seed", "23"])
        .args(["--lang", "en", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    out
}

fn args(client: &Path, out: &Path) -> Vec<std::ffi::OsString> {
    let mut v: Vec<std::ffi::OsString> = ["run", "--quiet", "--period", PERIOD]
        .iter()
        .map(Into::into)
        .collect();
    v.extend(["--as-of".into(), "2026-10-05".into(), "--config".into()]);
    v.push(client.join("audit.toml").into());
    v.extend(["--out".into(), out.into()]);
    v
}

fn run(client: &Path, out: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("crm-audit")
        .unwrap()
        .args(args(client, out))
        .assert()
}

/// A run that stops for a minute once its report is staged (not yet swapped in).
fn paused_run(client: &Path, out: &Path, env: (&str, &str)) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("crm-audit"))
        .env(env.0, env.1)
        .args(args(client, out))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_for(child: &mut Child, what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every report file's bytes, by path under `dir` (the action lists' folder included).
fn report(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            files.extend(
                report(&e.path())
                    .into_iter()
                    .map(|(inner, bytes)| (format!("{name}/{inner}"), bytes)),
            );
        } else {
            files.push((name, fs::read(e.path()).unwrap()));
        }
    }
    files.sort();
    files
}

/// Hidden entries other than the lock: staging folders, temporary files, `.previous-*`.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name != LOCK {
            found.push(e.path().display().to_string());
        }
        if e.path().is_dir() {
            found.extend(leftovers(&e.path()));
        }
    }
    found
}

fn staged(client_dir: &Path) -> bool {
    fs::read_dir(client_dir).is_ok_and(|rd| {
        rd.flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".staging-")
                && e.path().join("indicators.json").exists()
        })
    })
}

#[test]
fn a_second_run_on_the_same_output_fails_naming_the_holder_and_a_killed_holder_is_taken_over() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "acme");
    let out = tmp.path().join("reports");
    run(&c, &out).code(0);
    let report_dir = out.join("acme").join(PERIOD);
    let before = report(&report_dir);

    let mut holder = paused_run(&c, &out, ("CRM_AUDIT_PAUSE_BEFORE_COMMIT_MS", "60000"));
    let pid = holder.id();
    wait_for(&mut holder, "the report staged", || {
        staged(&out.join("acme"))
    });
    let lock = fs::read_to_string(out.join(LOCK)).unwrap();
    assert!(lock.starts_with(&format!("pid {pid} on host ")), "{lock}");

    run(&c, &out)
        .code(3)
        .stderr(predicates::str::contains(
            "is in use by another crm-audit run",
        ))
        .stderr(predicates::str::contains(format!("pid {pid} on host")));
    assert_eq!(report(&report_dir), before, "the refused run wrote nothing");

    // SIGKILL in the middle of writing: the previous report is intact.
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_eq!(report(&report_dir), before);

    // The dead holder's lock is taken over; its staging folder is cleared.
    run(&c, &out).code(0);
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    assert_eq!(fs::read_to_string(out.join(LOCK)).unwrap(), "", "released");
}

#[test]
fn a_full_disk_exits_3_and_keeps_the_last_good_report_without_leftovers() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "acme");
    let out = tmp.path().join("reports");
    run(&c, &out).code(0);
    let report_dir = out.join("acme").join(PERIOD);
    let before = report(&report_dir);
    let biggest = before.iter().map(|(_, b)| b.len()).max().unwrap();
    assert!(biggest > 64 << 10, "some output must outgrow the limit");

    // A file-size limit (RLIMIT_FSIZE, which binds root too) of 64 KB: writes beyond it fail
    // with EFBIG as on a full disk (SIGXFSZ ignored, as the shell passes it on).
    let limited = std::process::Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("crm-audit"))
        .args(args(&c, &out))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&limited.stderr);
    assert_eq!(limited.status.code(), Some(3), "{stderr}");
    assert_eq!(report(&report_dir), before, "the last good report stays");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    let m: Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    if m["clients"][0]["status"] == "failed" {
        let error = m["clients"][0]["error"].as_str().unwrap();
        assert!(
            error.contains("any previous report there is kept"),
            "{error}"
        );
        assert_eq!(
            error.matches("os error").count(),
            1,
            "cause said once: {error}"
        );
    }
}

#[test]
fn an_output_folder_that_cannot_be_written_exits_3_and_keeps_the_last_good_report() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "acme");
    let out = tmp.path().join("reports");
    run(&c, &out).code(0);
    let client_dir = out.join("acme");
    let before = report(&client_dir.join(PERIOD));

    // The client's folder read-only: its report cannot be staged beside the old one.
    fs::set_permissions(&client_dir, fs::Permissions::from_mode(0o555)).unwrap();
    let privileged = fs::write(client_dir.join("probe"), b"").is_ok();
    let _ = fs::remove_file(client_dir.join("probe"));
    if !privileged {
        run(&c, &out)
            .code(3)
            .stderr(predicates::str::contains("failed"));
        assert_eq!(report(&client_dir.join(PERIOD)), before);
    }
    fs::set_permissions(&client_dir, fs::Permissions::from_mode(0o755)).unwrap();

    // Root ignores permissions: a file where the report folder's parent should be fails alike.
    let blocked = tmp.path().join("blocked");
    fs::create_dir_all(&blocked).unwrap();
    fs::write(blocked.join("acme"), b"not a folder").unwrap();
    run(&c, &blocked).code(3);
    assert!(leftovers(&blocked).is_empty(), "{:?}", leftovers(&blocked));

    // An output root that cannot be created at all.
    run(&c, &blocked.join("acme").join("deeper")).code(3);
    assert_eq!(report(&client_dir.join(PERIOD)), before);
}

#[test]
fn an_export_that_disappears_after_discovery_gives_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let c = client(tmp.path(), "acme");
    let out = tmp.path().join("reports");
    fs::create_dir_all(&out).unwrap();
    let mut child = paused_run(&c, &out, ("CRM_AUDIT_PAUSE_AFTER_DISCOVERY_MS", "4000"));
    let pid = child.id();
    // The lock is taken before the client is planned; planning takes milliseconds.
    wait_for(&mut child, "the run started", || {
        fs::read_to_string(out.join(LOCK)).is_ok_and(|t| t.starts_with(&format!("pid {pid} ")))
    });
    std::thread::sleep(Duration::from_millis(1500));
    fs::remove_file(c.join("surveys.csv")).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let m: Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let error = m["clients"][0]["error"].as_str().unwrap();
    assert!(
        error.contains(
            "surveys.csv was found when the run started but was gone when it came to be read"
        ),
        "{error}"
    );
}

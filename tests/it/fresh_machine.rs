//! `scripts/test`, the README's test command, on a machine that lacks what
//! the tests need. Every program it may run is a stub in a temp folder that
//! is the whole `PATH`, so nothing is installed or built: a stub `cargo`
//! records whether (and how) the build started, a stub `apt-get` "installs"
//! by adding a stub Chromium.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::running_as_root;

/// The programs the tests run besides Chromium, as the script checks them.
const TOOLS: [&str; 4] = ["cc", "kill", "setpriv", "script"];

/// A temp folder of stub programs, and the script run with it as `PATH`.
struct Machine {
    tmp: tempfile::TempDir,
}

impl Machine {
    /// A machine with `cargo` and `programs` (each a stub that succeeds).
    fn with(programs: &[&str]) -> Machine {
        let machine = Machine {
            tmp: tempfile::tempdir().expect("temp dir"),
        };
        std::fs::create_dir(machine.bin()).expect("bin");
        let cargo = format!("echo \"$*\" >> '{}'", machine.log("cargo").display());
        machine.stub("cargo", &cargo);
        for program in programs {
            machine.stub(program, "true");
        }
        machine
    }

    fn bin(&self) -> PathBuf {
        self.tmp.path().join("bin")
    }

    fn log(&self, program: &str) -> PathBuf {
        self.tmp.path().join(format!("{program}.log"))
    }

    fn stub(&self, name: &str, body: &str) {
        let path = self.bin().join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write stub");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    /// What a stub was run with, one line per run; `None` if it never ran.
    fn runs(&self, program: &str) -> Option<Vec<String>> {
        let text = std::fs::read_to_string(self.log(program)).ok()?;
        Some(text.lines().map(str::to_string).collect())
    }

    /// Runs `scripts/test ARGS` with only the stubs on `PATH`.
    fn run_script(&self, args: &[&str]) -> Output {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/test");
        std::process::Command::new(bash())
            .arg(script)
            .args(args)
            .env_clear()
            .env("PATH", self.bin())
            .output()
            .expect("run scripts/test")
    }
}

/// The `bash` on the tests' own `PATH`: the stub machine has none.
fn bash() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("bash"))
        .find(|bash| bash.is_file())
        .expect("bash on PATH")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn with_everything_there_it_runs_the_tests_with_the_arguments_given() {
    let mut programs = TOOLS.to_vec();
    programs.push("chromium");
    let machine = Machine::with(&programs);
    let out = machine.run_script(&["cli::", "--", "--nocapture"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        machine.runs("cargo"),
        Some(vec![
            "test --release --locked cli:: -- --nocapture".to_string()
        ])
    );
}

#[test]
fn without_chromium_or_a_way_to_install_it_it_stops_before_building() {
    // No apt-get: whoever runs it, nothing can be installed.
    let machine = Machine::with(&TOOLS);
    let out = machine.run_script(&[]);
    let message = stderr(&out);
    assert!(!out.status.success());
    assert_eq!(machine.runs("cargo"), None, "the build started: {message}");
    assert_eq!(message.lines().count(), 1, "one line: {message}");
    assert!(
        message.starts_with("scripts/test: Chromium is needed for the browser test;")
            && message.contains("Debian's package names: chromium)"),
        "{message}"
    );
}

#[test]
fn without_chromium_root_installs_it_and_anyone_else_is_told_the_package() {
    let machine = Machine::with(&TOOLS);
    let chromium = machine.bin().join("chromium");
    let apt_get = format!(
        "echo \"$*\" >> '{}'\n\
         case \"$*\" in *install*chromium*) printf '#!/bin/sh\\n' > '{chromium}'; command -p chmod 755 '{chromium}';; esac",
        machine.log("apt-get").display(),
        chromium = chromium.display(),
    );
    machine.stub("apt-get", &apt_get);
    let out = machine.run_script(&[]);
    let message = stderr(&out);
    if running_as_root() {
        assert!(out.status.success(), "{message}");
        let apt = machine.runs("apt-get").expect("apt-get ran");
        assert_eq!(apt.len(), 2, "{apt:?}");
        assert!(apt[0].starts_with("update"), "update first: {apt:?}");
        assert!(
            apt[1].starts_with("install") && apt[1].ends_with(" chromium"),
            "{apt:?}"
        );
        assert_eq!(
            machine.runs("cargo"),
            Some(vec!["test --release --locked".to_string()])
        );
    } else {
        assert!(!out.status.success());
        assert_eq!(machine.runs("apt-get"), None, "{message}");
        assert_eq!(machine.runs("cargo"), None, "the build started: {message}");
        assert_eq!(
            message.trim_end(),
            "scripts/test: Chromium is needed for the browser test; \
             install it with: sudo apt-get install chromium"
        );
    }
}

#[test]
fn each_missing_tool_is_named_with_its_package() {
    let machine = Machine::with(&[]);
    let out = machine.run_script(&[]);
    let message = stderr(&out);
    assert!(!out.status.success());
    assert_eq!(machine.runs("cargo"), None, "the build started: {message}");
    assert!(
        message
            .trim_end()
            .ends_with("(Debian's package names: chromium gcc procps util-linux bsdutils)"),
        "{message}"
    );
}

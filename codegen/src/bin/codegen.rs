//! `codegen SCHEMA_DIR [-o FILE | --check FILE]`: prints the generated source, writes it to FILE,
//! or exits with status 1 when FILE is stale.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: codegen SCHEMA_DIR [-o FILE | --check FILE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (schema, mode) = match args.as_slice() {
        [schema] => (schema, Mode::Print),
        [schema, flag, file] if flag == "-o" || flag == "--output" => (schema, Mode::Write(file.into())),
        [schema, flag, file] if flag == "--check" => (schema, Mode::Check(file.into())),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let code = match codegen::generate(schema.as_ref()) {
        Ok(code) => code,
        Err(errors) => {
            eprintln!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    match mode {
        Mode::Print => print!("{code}"),
        Mode::Write(file) => {
            if let Err(err) = codegen::write_if_changed(&file, &code) {
                eprintln!("{}: cannot write: {err}", file.display());
                return ExitCode::FAILURE;
            }
        }
        Mode::Check(file) => {
            if !codegen::is_fresh(&file, &code) {
                eprintln!("{}: stale, regenerate it with `codegen {schema} -o {}`", file.display(), file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

enum Mode {
    Print,
    Write(PathBuf),
    Check(PathBuf),
}

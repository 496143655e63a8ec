//! The `codegen` command: generate the models, import Graph's metadata into the schema, and
//! tell what a schema change means for dependents. A thin shell over the library.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Generates the graph-models bindings from the schema, imports Microsoft Graph's metadata into
/// the schema, and compares two schemas by what they generate.
#[derive(Debug, Parser)]
#[command(name = "codegen", version, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli {
    /// The schema folder to generate from (prints the code unless -o or --check is given).
    #[arg(required = true)]
    schema: Option<PathBuf>,
    /// Writes the code to FILE instead (only when it changed).
    #[arg(short = 'o', long = "output", value_name = "FILE", conflicts_with = "check")]
    output: Option<PathBuf>,
    /// Exits with status 1 unless FILE holds exactly the code.
    #[arg(long, value_name = "FILE")]
    check: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Merges a Graph CSDL metadata file (plain or .gz) into the schema, one line per change.
    Import {
        /// The metadata file, e.g. cleanMetadata.xml or cleanMetadata.xml.gz.
        #[arg(long, value_name = "FILE")]
        metadata: PathBuf,
        /// The schema folder to merge into; created if missing.
        #[arg(long, value_name = "DIR", default_value = "schema")]
        schema: PathBuf,
        /// Writes nothing; prints the drift and exits with status 1 if there is any.
        #[arg(long)]
        check: bool,
    },
    /// Lists every change between two schemas with its effect on dependents, and the release
    /// it needs.
    Diff {
        /// The schema before the change.
        old: PathBuf,
        /// The schema after it.
        new: PathBuf,
        /// Prints JSON for tools instead.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Import { metadata, schema, check }) => import(&metadata, &schema, check),
        Some(Command::Diff { old, new, json }) => diff(&old, &new, json),
        None => match cli.schema {
            Some(schema) => generate(&schema, cli.output.as_deref(), cli.check.as_deref()),
            None => Err(Failure::Usage),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage) => {
            eprintln!("usage: codegen SCHEMA_DIR [-o FILE | --check FILE] | import ... | diff ...; see --help");
            ExitCode::from(2)
        }
        Err(Failure::Reported) => ExitCode::FAILURE,
    }
}

/// Why a command failed; its messages are already on stderr.
enum Failure {
    Usage,
    Reported,
}

fn reported(message: impl std::fmt::Display) -> Failure {
    eprintln!("{message}");
    Failure::Reported
}

fn generate(schema: &Path, output: Option<&Path>, check: Option<&Path>) -> Result<(), Failure> {
    let code = codegen::generate(schema).map_err(reported)?;
    match (output, check) {
        (Some(file), _) => codegen::write_if_changed(file, &code)
            .map_err(|err| reported(format!("{}: cannot write: {err}", file.display()))),
        (None, Some(file)) if !codegen::is_fresh(file, &code) => Err(reported(format!(
            "{}: stale, regenerate it with `codegen {} -o {}`",
            file.display(),
            schema.display(),
            file.display()
        ))),
        (None, Some(_)) => Ok(()),
        (None, None) => {
            print!("{code}");
            Ok(())
        }
    }
}

fn import(metadata: &Path, schema: &Path, check: bool) -> Result<(), Failure> {
    let metadata = codegen::csdl::Metadata::read(metadata).map_err(reported)?;
    let current = codegen::schema::load_if_present(schema).map_err(reported)?;
    let dir_name = codegen::schema::dir_name(schema);
    let import = codegen::import::import(&metadata, &current, &dir_name).map_err(reported)?;
    for line in import.report(&current) {
        println!("{line}");
    }
    if check {
        return if import.is_current(&current) { Ok(()) } else { Err(Failure::Reported) };
    }
    import.write(schema).map_err(|err| reported(format!("cannot write the schema: {err}")))
}

fn diff(old: &Path, new: &Path, json: bool) -> Result<(), Failure> {
    let old = codegen::model(old).map_err(reported)?;
    let new = codegen::model(new).map_err(reported)?;
    let changes = codegen::diff::diff(&old, &new);
    if json {
        println!("{:#}", codegen::diff::to_json(&changes));
    } else {
        print!("{}", codegen::diff::report(&changes));
    }
    Ok(())
}

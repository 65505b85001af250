//! The `collab-registry` command: `serve` (default) and the operator's subcommands.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use collab_registry::accounts::admin::AdminCreated;
use collab_registry::config::Settings;
use collab_registry::startup::{self, Application};
use collab_registry::{routes, telemetry};

#[derive(Parser)]
#[command(
    name = "collab-registry",
    version,
    about = "Industry-university collaboration registry"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server and background workers (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Create the first bureau administrator (or promote an existing account). The
    /// password is read from `COLLAB_ADMIN_PASSWORD`, else from the first line of stdin.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "市工信局管理员")]
        name: String,
    },
    /// Run every background job (reminders, digests, expiry, overdue notices, email
    /// delivery) without the HTTP server; needs COLLAB_PUBLIC_URL for the links in mail.
    Worker,
    /// Load the fictional sample registry: organizations, members who can sign in (their
    /// credentials are printed), matching needs and capabilities, a training, an interest
    /// and a key project (idempotent). `--remove` deletes exactly the samples.
    DemoData {
        #[arg(long)]
        remove: bool,
    },
    /// Bulk import from a spreadsheet (see docs/operations.md, "Importing organizations").
    Import {
        #[command(subcommand)]
        what: Import,
    },
    /// Rebuild the search index from the database (run it with the server stopped).
    Reindex,
    /// Copy the SQLite database to DEST while the server runs (a new file, mode 0600;
    /// never overwrites). On PostgreSQL, use pg_dump (docs/operations.md).
    Backup {
        /// The file to create.
        dest: std::path::PathBuf,
    },
    /// Benchmarks (see docs/BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        what: Bench,
    },
}

#[derive(Subcommand)]
enum Import {
    /// Organizations from a CSV or XLSX file (headers in Chinese or English). A row whose
    /// USCC is registered updates that organization; the others are registered, verified.
    /// Nothing is written if any row is refused, unless --skip-invalid.
    Organizations {
        /// The spreadsheet: FILE.csv or FILE.xlsx.
        file: std::path::PathBuf,
        /// Report row by row what would be created, updated or refused; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows and leave the refused ones out.
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Subcommand)]
enum Bench {
    /// Matching on a synthetic bilingual corpus; optionally PostgreSQL full-text search too.
    Match {
        #[arg(long, default_value_t = 100_000)]
        listings: usize,
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        /// How many of the short queries to time on PostgreSQL.
        #[arg(long, default_value_t = 200)]
        postgres_queries: usize,
        /// A PostgreSQL server URL for the full-text comparison (a scratch database is created).
        #[arg(long)]
        postgres: Option<String>,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Build the corpus from this many distinct texts, each encoded once and reused by
        /// every listing that repeats it (0: every listing its own text, all encoded). Lets
        /// a 1M index with real vectors be built in minutes on a small machine; the full
        /// rebuild is then reported as an estimate from the measured encoding rate.
        #[arg(long, default_value_t = 0)]
        distinct_texts: usize,
    },
    /// Publishing an event to many organizations, and outbox delivery over SMTP.
    Events {
        #[arg(long, default_value_t = 10_000)]
        organizations: usize,
        #[arg(long, default_value_t = 2)]
        members: usize,
        /// A PostgreSQL server URL to measure on too (a scratch database is created).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// HTTP load with wrk against this binary's server on seeded data at scale.
    Load {
        #[arg(long, default_value_t = 10_000)]
        organizations: usize,
        #[arg(long, default_value_t = 100_000)]
        listings: usize,
        /// Seconds per scenario (after a 3 s warm-up).
        #[arg(long, default_value_t = 15)]
        duration: u64,
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// A PostgreSQL server URL to measure on too (a scratch database is created).
        #[arg(long)]
        postgres: Option<String>,
        #[arg(long, default_value = "wrk")]
        wrk: String,
        /// Listings repeat this many distinct texts and the search index is built before the
        /// server starts, each text encoded once on all cores (0: every listing its own
        /// text, the index built by the server at start on one core).
        #[arg(long, default_value_t = 0)]
        distinct_texts: usize,
        /// 2: also run every scenario against two instances on the same database behind a
        /// loopback round-robin proxy, and against one instance behind that proxy (its cost);
        /// PostgreSQL only (SQLite serves one instance).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
        instances: u8,
        /// The core the second instance is pinned to (default: the first one's, core 0).
        #[arg(long, default_value_t = 0)]
        second_core: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("collab-registry: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("collab-registry: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "exiting");
            eprintln!("collab-registry: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        Command::Migrate => {
            startup::open_database(&settings, true).await?;
            println!("migrations are up to date");
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let password = admin_password()?;
            let db = startup::open_database(&settings, true).await?;
            let outcome = tokio::task::spawn_blocking(move || {
                collab_registry::accounts::admin::create_admin(&db, &email, &name, &password)
            })
            .await??;
            match outcome {
                AdminCreated::Created(id) => println!("created bureau admin {id}"),
                AdminCreated::Promoted(id) => {
                    println!("existing account {id} is now a bureau admin (password unchanged)")
                }
            }
            Ok(())
        }
        Command::Worker => startup::run_worker_only(settings).await,
        Command::DemoData { remove } => {
            let db = startup::open_database(&settings, true).await?;
            if remove {
                let gone = tokio::task::spawn_blocking(move || {
                    let mut conn = db.pool().get()?;
                    collab_registry::ops::demo::remove(&mut conn)
                })
                .await??;
                println!("samples removed: {gone:?}");
                return Ok(());
            }
            let postman = startup::postman_for(&settings)?;
            let added = tokio::task::spawn_blocking(move || {
                let mut conn = db.pool().get()?;
                collab_registry::ops::demo::load(&mut conn, &postman)
            })
            .await??;
            println!("samples added: {added:?}");
            print_sample_members();
            Ok(())
        }
        Command::Import {
            what:
                Import::Organizations {
                    file,
                    dry_run,
                    skip_invalid,
                },
        } => {
            let db = startup::open_database(&settings, true).await?;
            let opts = collab_registry::organizations::import::ImportQuery {
                dry_run,
                skip_invalid,
            };
            let report = tokio::task::spawn_blocking(move || {
                let mut conn = db.pool().get()?;
                collab_registry::organizations::import::import_file(&mut conn, &file, opts)
            })
            .await??;
            print!(
                "{}",
                collab_registry::organizations::import::describe(
                    &report,
                    collab_registry::app::Locale::of_terminal(|k| std::env::var(k).ok())
                )
            );
            anyhow::ensure!(
                report.written || report.dry_run,
                "{} rows refused; nothing was written",
                report.refused
            );
            Ok(())
        }
        Command::Reindex => {
            let db = startup::open_database(&settings, true).await?;
            let dir = settings.data_dir.join("index");
            let done = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                std::fs::create_dir_all(&dir)?;
                let (engine, _) =
                    collab_registry::matching::engine::Engine::open_with(&dir, settings.semantic)?;
                let mut conn = db.pool().get()?;
                collab_registry::matching::sync::rebuild(&engine, &mut conn)
            })
            .await??;
            println!(
                "search index rebuilt: {} listings, {} vectors reused, {} encoded",
                done.listings, done.vectors.reused, done.vectors.encoded
            );
            Ok(())
        }
        Command::Bench {
            what:
                Bench::Match {
                    listings,
                    queries,
                    postgres_queries,
                    postgres,
                    seed,
                    distinct_texts,
                },
        } => {
            let opts = collab_registry::bench::matching::Options {
                listings,
                queries,
                postgres_queries,
                postgres_url: postgres,
                seed,
                distinct_texts,
            };
            tokio::task::spawn_blocking(move || collab_registry::bench::matching::run(&opts))
                .await?
        }
        Command::Bench {
            what:
                Bench::Events {
                    organizations,
                    members,
                    postgres,
                },
        } => {
            let opts = collab_registry::bench::events::Options {
                organizations,
                members_per_organization: members,
                postgres_url: postgres,
            };
            tokio::task::spawn_blocking(move || {
                collab_registry::bench::events::run(&opts).map(|_| ())
            })
            .await?
        }
        Command::Bench {
            what:
                Bench::Load {
                    organizations,
                    listings,
                    duration,
                    connections,
                    postgres,
                    wrk,
                    distinct_texts,
                    instances,
                    second_core,
                },
        } => {
            let opts = collab_registry::bench::load::Options {
                organizations,
                listings,
                duration_secs: duration,
                connections,
                postgres_url: postgres,
                wrk,
                distinct_texts,
                instances: usize::from(instances),
                second_core,
            };
            tokio::task::spawn_blocking(move || {
                collab_registry::bench::load::run(&opts).map(|_| ())
            })
            .await?
        }
        Command::Backup { dest } => {
            let report = tokio::task::spawn_blocking(move || {
                collab_registry::ops::backup::backup(&settings, &dest)
            })
            .await??;
            println!("{report}");
            Ok(())
        }
        Command::Openapi => {
            println!("{}", serde_json::to_string_pretty(&routes::openapi())?);
            Ok(())
        }
    }
}

/// The new admin's password: `COLLAB_ADMIN_PASSWORD`, else asked for at a terminal without
/// echo (twice), else one line of standard input (a pipe, a secret store), with a word on
/// standard error so nobody waits on a silent prompt.
fn admin_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if let Ok(p) = std::env::var("COLLAB_ADMIN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password for the bureau admin: ")?;
        let again = rpassword::prompt_password("The same password again: ")?;
        anyhow::ensure!(
            first == again,
            "the two passwords differ; nothing was changed"
        );
        return Ok(first);
    }
    eprintln!("reading the bureau admin's password from standard input (one line)");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The sample members' sign-in details (samples only: the same password for all).
fn print_sample_members() {
    use collab_registry::ops::demo;
    println!("sample members (password: {}):", demo::SAMPLE_PASSWORD);
    for m in &demo::MEMBERS {
        println!("  {:<36} {}", demo::sample_address(m.local), m.name);
    }
}

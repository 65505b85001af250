//! The loopback round-robin proxy of `bench load --instances 2`: a TCP forwarder that
//! gives each new client connection to the next upstream in turn and keeps it there, so a
//! kept-alive HTTP connection of wrk talks to one instance for its whole life and wrk's
//! connections are spread evenly (wrk speaks to one host only). It forwards bytes, not
//! requests: no parsing, no buffering beyond tokio's copy, `TCP_NODELAY` on both sides.
//! It runs on its own thread with a one-thread runtime, optionally pinned to a core (the
//! load generator's), so that its cost can be measured: one instance behind it against the
//! same instance direct.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A running proxy; dropping it stops it.
pub struct Proxy {
    pub addr: SocketAddr,
    /// Connections handed to each upstream so far, in the order of the upstreams.
    accepted: Arc<Vec<AtomicU64>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Listen on a free loopback port and forward to `upstreams` in turn. `core`: pin the
    /// proxy's thread to this core (`taskset`), when the machine has it.
    pub fn start(upstreams: Vec<SocketAddr>, core: Option<usize>) -> anyhow::Result<Self> {
        anyhow::ensure!(!upstreams.is_empty(), "a proxy needs an upstream");
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let accepted: Arc<Vec<AtomicU64>> =
            Arc::new(upstreams.iter().map(|_| AtomicU64::new(0)).collect());
        let (stop, stopped) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let counts = accepted.clone();
        let thread = std::thread::Builder::new()
            .name("bench-proxy".into())
            .spawn(move || {
                if let Some(core) = core {
                    pin_this_thread(core);
                }
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build();
                let runtime = match runtime {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = ready_tx.send(Err(anyhow::anyhow!(e)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(anyhow::anyhow!(e)));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    tokio::select! {
                        _ = serve(listener, upstreams, counts) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        ready_rx
            .recv()
            .map_err(|_| anyhow::anyhow!("the proxy thread ended before it listened"))??;
        Ok(Proxy {
            addr,
            accepted,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Connections given to each upstream so far.
    pub fn accepted(&self) -> Vec<u64> {
        self.accepted
            .iter()
            .map(|n| n.load(Ordering::Relaxed))
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(listener: TcpListener, upstreams: Vec<SocketAddr>, accepted: Arc<Vec<AtomicU64>>) {
    let next = AtomicUsize::new(0);
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let i = next.fetch_add(1, Ordering::Relaxed) % upstreams.len();
        accepted[i].fetch_add(1, Ordering::Relaxed);
        let upstream = upstreams[i];
        tokio::spawn(async move {
            let _ = forward(client, upstream).await;
        });
    }
}

/// Copy both ways until either side closes; a refused upstream closes the client.
async fn forward(mut client: TcpStream, upstream: SocketAddr) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream).await?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}

/// `taskset -p -c CORE TID` for the calling thread (its id from `/proc/thread-self`), when
/// the machine has that core; otherwise the thread runs where the scheduler puts it.
fn pin_this_thread(core: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if core >= cores {
        return;
    }
    let Ok(link) = std::fs::read_link("/proc/thread-self") else {
        return;
    };
    let Some(tid) = link.file_name().and_then(|t| t.to_str()).map(str::to_owned) else {
        return;
    };
    let _ = std::process::Command::new("taskset")
        .args(["-p", "-c", &core.to_string(), &tid])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};

    /// An upstream that answers each line `x` with `NAME:x`, on every connection.
    fn upstream(name: &'static str) -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut out = stream.try_clone().unwrap();
                    for line in BufReader::new(stream).lines() {
                        let Ok(line) = line else { break };
                        if writeln!(out, "{name}:{line}").is_err() {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    fn ask(reader: &mut BufReader<std::net::TcpStream>, line: &str) -> String {
        writeln!(reader.get_mut(), "{line}").unwrap();
        let mut answer = String::new();
        reader.read_line(&mut answer).unwrap();
        answer.trim_end().to_owned()
    }

    fn connect(proxy: &Proxy) -> BufReader<std::net::TcpStream> {
        BufReader::new(std::net::TcpStream::connect(proxy.addr).unwrap())
    }

    #[test]
    fn connections_alternate_and_stay_with_their_upstream() {
        let proxy = Proxy::start(vec![upstream("A"), upstream("B")], None).unwrap();
        let mut first = connect(&proxy);
        let mut second = connect(&proxy);
        let mut third = connect(&proxy);
        // Each connection keeps its upstream for every request it carries, in any order.
        assert_eq!(ask(&mut first, "1"), "A:1");
        assert_eq!(ask(&mut second, "2"), "B:2");
        assert_eq!(ask(&mut third, "3"), "A:3");
        assert_eq!(ask(&mut second, "4"), "B:4");
        assert_eq!(ask(&mut first, "5"), "A:5");
        assert_eq!(proxy.accepted(), vec![2, 1]);
    }

    #[test]
    fn forwards_large_requests_and_answers_whole() {
        let proxy = Proxy::start(vec![upstream("only")], None).unwrap();
        let mut conn = connect(&proxy);
        let big: String = (0..300_000)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        assert_eq!(ask(&mut conn, &big), format!("only:{big}"));
        assert_eq!(ask(&mut conn, "again"), "only:again");
        assert_eq!(proxy.accepted(), vec![1]);
    }

    #[test]
    fn a_refused_upstream_closes_the_client() {
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let proxy = Proxy::start(vec![closed], None).unwrap();
        let mut conn = connect(&proxy);
        let _ = writeln!(conn.get_mut(), "hello");
        let mut answer = String::new();
        assert_eq!(conn.read_line(&mut answer).unwrap_or(0), 0);
    }

    #[test]
    fn no_upstream_is_refused() {
        assert!(Proxy::start(vec![], None).is_err());
    }
}

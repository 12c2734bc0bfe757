//! A native load client for `bench/server-load.ts --client rust`: open-loop WebSocket requests at
//! a fixed rate, round trips measured per request. It exists because the JavaScript client (one
//! event loop, a few µs of work per message) limits what a pinned run can push above ~50k req/s.
//!
//! ```text
//! ws-load --port P --rate R --duration S --warmup W --connections C --frames FILE [--path /ws]
//! ```
//!
//! `FILE` holds the request frames, already WebSocket-framed (masked) by the harness, each
//! preceded by its length as a little-endian `u32`; they are sent round robin over the
//! connections and cycled. One thread, non-blocking sockets: at each turn it writes every
//! request that is due (the time of that write starts its round trip), then reads every socket
//! and matches answers to requests in order per connection (answers on one connection come in
//! order). Between turns it yields the core (`sched_yield`), so kernel work on the same core
//! (loopback delivery) is not starved. Prints one JSON line with the same fields as the
//! TypeScript client's `RateResult` (µs).

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

struct Args {
    port: u16,
    rate: f64,
    duration: f64,
    warmup: f64,
    connections: usize,
    frames: String,
    path: String,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        port: 0,
        rate: 0.0,
        duration: 3.0,
        warmup: 1.0,
        connections: 4,
        frames: String::new(),
        path: "/ws".into(),
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let v = argv
            .get(i + 1)
            .ok_or_else(|| format!("{} needs a value", argv[i]))?;
        let num = |what: &str| {
            v.parse::<f64>()
                .map_err(|_| format!("{what}: not a number: {v}"))
        };
        match argv[i].as_str() {
            "--port" => a.port = v.parse().map_err(|_| format!("--port: bad port {v}"))?,
            "--rate" => a.rate = num("--rate")?,
            "--duration" => a.duration = num("--duration")?,
            "--warmup" => a.warmup = num("--warmup")?,
            "--connections" => {
                a.connections = v.parse().map_err(|_| format!("--connections: {v}"))?
            }
            "--frames" => a.frames.clone_from(v),
            "--path" => a.path.clone_from(v),
            other => return Err(format!("unknown option {other}")),
        }
        i += 2;
    }
    if a.port == 0 || a.rate.is_nan() || a.rate <= 0.0 || a.frames.is_empty() || a.connections == 0
    {
        return Err("usage: ws-load --port P --rate R --frames FILE [--duration S] [--warmup W] [--connections C]".into());
    }
    Ok(a)
}

fn read_frames(path: &str) -> Result<Vec<Vec<u8>>, String> {
    let b = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let mut out = Vec::new();
    let mut p = 0;
    while p + 4 <= b.len() {
        let n = u32::from_le_bytes([b[p], b[p + 1], b[p + 2], b[p + 3]]) as usize;
        p += 4;
        let f = b
            .get(p..p + n)
            .ok_or_else(|| format!("{path}: truncated frame at byte {p}"))?;
        out.push(f.to_vec());
        p += n;
    }
    if out.is_empty() || p != b.len() {
        return Err(format!("{path}: no frames, or trailing bytes"));
    }
    Ok(out)
}

struct Conn {
    s: TcpStream,
    /// Bytes not yet accepted by the socket.
    out: Vec<u8>,
    /// Bytes read but not yet a whole frame.
    inb: Vec<u8>,
    /// Write times of the requests still waiting for an answer, in order.
    sent: VecDeque<Instant>,
}

fn connect(port: u16, path: &str) -> Result<Conn, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    s.set_nodelay(true).map_err(|e| e.to_string())?;
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes())
        .map_err(|e| format!("handshake: {e}"))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    let end = loop {
        let n = s.read(&mut buf).map_err(|e| format!("handshake: {e}"))?;
        if n == 0 {
            return Err("handshake: connection closed".into());
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(e) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break e + 4;
        }
    };
    if !head.starts_with(b"HTTP/1.1 101") {
        let line = String::from_utf8_lossy(&head)
            .lines()
            .next()
            .unwrap_or("")
            .to_owned();
        return Err(format!("upgrade refused: {line}"));
    }
    s.set_nonblocking(true).map_err(|e| e.to_string())?;
    Ok(Conn {
        s,
        out: Vec::new(),
        inb: head[end..].to_vec(),
        sent: VecDeque::new(),
    })
}

impl Conn {
    fn flush(&mut self) -> Result<(), String> {
        while !self.out.is_empty() {
            match self.s.write(&self.out) {
                Ok(0) => return Err("socket closed while writing".into()),
                Ok(n) => drop(self.out.drain(..n)),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(format!("write: {e}")),
            }
        }
        Ok(())
    }

    /// Reads what is there; calls `answer` with each request's write time, in order.
    fn poll(&mut self, buf: &mut [u8], mut answer: impl FnMut(Instant)) -> Result<(), String> {
        loop {
            match self.s.read(buf) {
                Ok(0) => return Err("server closed the connection".into()),
                Ok(n) => self.inb.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(format!("read: {e}")),
            }
        }
        let b = &self.inb;
        let mut p = 0;
        while b.len() - p >= 2 {
            let op = b[p] & 0x0f;
            let (n, h) = match b[p + 1] & 0x7f {
                126 if b.len() - p >= 4 => {
                    (usize::from(u16::from_be_bytes([b[p + 2], b[p + 3]])), 4)
                }
                127 if b.len() - p >= 10 => {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(&b[p + 2..p + 10]);
                    (
                        usize::try_from(u64::from_be_bytes(w)).map_err(|_| "frame too large")?,
                        10,
                    )
                }
                126 | 127 => break,
                n => (usize::from(n), 2),
            };
            if b.len() - p < h + n {
                break;
            }
            match op {
                1 | 2 => {
                    let t = self
                        .sent
                        .pop_front()
                        .ok_or("an answer with no request waiting")?;
                    answer(t);
                }
                8 => return Err("server sent close".into()),
                _ => {}
            }
            p += h + n;
        }
        self.inb.drain(..p);
        Ok(())
    }
}

fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((q * sorted.len() as f64) as usize).min(sorted.len() - 1)]
}

fn run(a: &Args) -> Result<String, String> {
    let frames = read_frames(&a.frames)?;
    let mut conns = (0..a.connections)
        .map(|_| connect(a.port, &a.path))
        .collect::<Result<Vec<_>, _>>()?;
    let total = (a.rate * a.duration) as u64;
    let mut lat: Vec<f64> = Vec::with_capacity(total as usize);
    let mut buf = vec![0u8; 1 << 16];
    let (mut k, mut received) = (0u64, 0u64);
    let (mut first, mut last): (Option<Instant>, Option<Instant>) = (None, None);
    let t0 = Instant::now();
    let warm_end = t0 + Duration::from_secs_f64(a.warmup);
    let mut next = t0;
    let mut drain_deadline: Option<Instant> = None;
    loop {
        let now = Instant::now();
        while k < total && next <= now {
            let c = &mut conns[(k % a.connections as u64) as usize];
            c.out
                .extend_from_slice(&frames[(k % frames.len() as u64) as usize]);
            c.sent.push_back(now);
            k += 1;
            next = t0 + Duration::from_secs_f64(k as f64 / a.rate);
        }
        for c in &mut conns {
            c.flush()?;
            c.poll(&mut buf, |t| {
                received += 1;
                if t >= warm_end {
                    let done = Instant::now();
                    lat.push(done.duration_since(t).as_secs_f64() * 1e6);
                    first = Some(first.map_or(t, |f| f.min(t)));
                    last = Some(done);
                }
            })?;
        }
        if k >= total {
            if received >= total {
                break;
            }
            let d = *drain_deadline.get_or_insert(now + Duration::from_secs(2));
            if now > d {
                break;
            }
        }
        std::thread::yield_now();
    }
    lat.sort_by(f64::total_cmp);
    let window = match (first, last) {
        (Some(f), Some(l)) => l.duration_since(f).as_secs_f64().max(1e-9),
        _ => 1e-9,
    };
    let measured = lat.len() as f64;
    let j = |x: f64| {
        if x.is_finite() {
            format!("{x:.3}")
        } else {
            "null".into()
        }
    };
    Ok(format!(
        "{{\"targetRate\":{},\"sent\":{},\"received\":{},\"achieved\":{},\"p50\":{},\"p99\":{},\"p999\":{},\"max\":{},\"lost\":{}}}",
        a.rate,
        total,
        received,
        j(measured / window),
        j(pct(&lat, 0.5)),
        j(pct(&lat, 0.99)),
        j(pct(&lat, 0.999)),
        j(lat.last().copied().unwrap_or(f64::NAN)),
        total - received
    ))
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ws-load: {e}");
            ExitCode::FAILURE
        }
    }
}

//! One TCP connection to one broker: size-prefixed Kafka frames, one request in flight at a time.

use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use kafka_protocol::messages::{RequestHeader, ResponseHeader};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, Request, StrBytes};
use tokio::net::TcpStream;

use super::ObserveError;

/// Identifies the observer in the broker's request log.
const CLIENT_ID: &str = "kafka-proxy-observer";
/// No answer of ours comes near this; a bigger length means the stream is out of step.
const MAX_FRAME: usize = 256 << 20;

pub(crate) struct Connection {
    stream: TcpStream,
    addr: String,
    next_correlation_id: i32,
    timeout: Duration,
}

/// "FetchRequest" → "Fetch", for error messages.
pub(crate) fn request_name<R>() -> &'static str {
    let full = std::any::type_name::<R>();
    let last = full.rsplit("::").next().unwrap_or(full);
    last.strip_suffix("Request").unwrap_or(last)
}

impl Connection {
    pub(crate) async fn connect(addr: &str, timeout: Duration) -> Result<Self, ObserveError> {
        let stream = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                return Err(ObserveError::Unreachable {
                    addr: addr.to_owned(),
                    reason: e.to_string(),
                })
            }
            Err(_) => {
                return Err(ObserveError::Unreachable {
                    addr: addr.to_owned(),
                    reason: format!("no connection within {} ms", timeout.as_millis()),
                })
            }
        };
        // Requests are small and sent one at a time; don't let Nagle delay them.
        let _ = stream.set_nodelay(true);
        Ok(Connection {
            stream,
            addr: addr.to_owned(),
            next_correlation_id: 1,
            timeout,
        })
    }

    pub(crate) fn addr(&self) -> &str {
        &self.addr
    }

    /// Sends one request and waits for its answer, all within the timeout.
    /// After an error the connection may be out of step: the caller drops it.
    pub(crate) async fn send<R: Request>(
        &mut self,
        request: &R,
        version: i16,
    ) -> Result<R::Response, ObserveError> {
        let name = request_name::<R>();
        let correlation_id = self.next_correlation_id;
        self.next_correlation_id = self.next_correlation_id.wrapping_add(1);

        let mut header = RequestHeader::default();
        header.request_api_key = R::KEY;
        header.request_api_version = version;
        header.correlation_id = correlation_id;
        header.client_id = Some(StrBytes::from_static_str(CLIENT_ID));
        let mut frame = BytesMut::new();
        frame.extend_from_slice(&[0; 4]);
        header
            .encode(&mut frame, R::header_version(version))
            .and_then(|()| request.encode(&mut frame, version))
            .map_err(|e| self.protocol(format!("cannot encode {name} v{version}: {e}")))?;
        let len = (frame.len() - 4) as i32;
        frame[..4].copy_from_slice(&len.to_be_bytes());

        let answer = tokio::time::timeout(self.timeout, self.round_trip(&frame)).await;
        let mut body = match answer {
            Ok(Ok(body)) => body,
            Ok(Err(e)) => {
                return Err(ObserveError::Unreachable {
                    addr: self.addr.clone(),
                    reason: format!("{name} request failed: {e}"),
                })
            }
            Err(_) => {
                return Err(ObserveError::Timeout {
                    request: name,
                    addr: self.addr.clone(),
                    ms: self.timeout.as_millis(),
                })
            }
        };
        let response_header =
            ResponseHeader::decode(&mut body, R::Response::header_version(version))
                .map_err(|e| self.protocol(format!("bad {name} response header: {e}")))?;
        if response_header.correlation_id != correlation_id {
            return Err(self.protocol(format!(
                "{name} answer has correlation id {} instead of {correlation_id}",
                response_header.correlation_id
            )));
        }
        R::Response::decode(&mut body, version)
            .map_err(|e| self.protocol(format!("cannot decode {name} v{version} response: {e}")))
    }

    async fn round_trip(&mut self, frame: &[u8]) -> std::io::Result<Bytes> {
        write_all(&self.stream, frame).await?;
        let mut len = [0u8; 4];
        // A broker that does not support a request version closes the connection: say so.
        read_exact(&self.stream, &mut len).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                std::io::Error::new(
                    e.kind(),
                    "the broker closed the connection (request version not supported?)",
                )
            } else {
                e
            }
        })?;
        let len = (&len[..]).get_i32();
        if len < 0 || len as usize > MAX_FRAME {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("frame length {len} out of range"),
            ));
        }
        let mut body = vec![0u8; len as usize];
        read_exact(&self.stream, &mut body).await?;
        Ok(Bytes::from(body))
    }

    fn protocol(&self, reason: String) -> ObserveError {
        ObserveError::Protocol {
            addr: self.addr.clone(),
            reason,
        }
    }
}

// The readiness-based calls below stand in for tokio's `AsyncReadExt`/`AsyncWriteExt`, which need the
// `io-util` feature the crate does not enable.

async fn write_all(stream: &TcpStream, mut data: &[u8]) -> std::io::Result<()> {
    while !data.is_empty() {
        stream.writable().await?;
        match stream.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

async fn read_exact(stream: &TcpStream, mut buf: &mut [u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        stream.readable().await?;
        match stream.try_read(buf) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => buf = &mut buf[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

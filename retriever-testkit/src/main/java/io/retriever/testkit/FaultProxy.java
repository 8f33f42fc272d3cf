package io.retriever.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * HTTP/1.1 only as far as forwarding needs: a request or response head is read up to its blank
 * line, and a body is forwarded by Content-Length, chunked framing, or (responses) until the
 * upstream closes. Each client connection gets its own upstream connection, used for its requests
 * one after another, so keep-alive works as it does without the proxy. A fault that breaks the
 * connection closes both sides.
 */
/**
 * Sits between clients and the S3 server and breaks object GETs as {@link Faults} decides: error
 * answers, connections reset or closed part-way, stalls, slow first bytes, corrupted bytes; and
 * ListObjectsV2 pages ({@link ListingFaults}).
 */
final class FaultProxy implements AutoCloseable {
  private static final int MAX_HEAD = 64 * 1024;

  private final int upstreamPort;
  private final Faults faults;
  private final ServerSocket server;
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "localS3-fault-proxy");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  /** Reads the whole object a GET's target names, straight from the store. */
  private final Function<String, byte[]> wholeObject;

  FaultProxy(int upstreamPort, Faults faults, Function<String, byte[]> wholeObject)
      throws IOException {
    this.upstreamPort = upstreamPort;
    this.faults = faults;
    this.wholeObject = wholeObject;
    this.server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    pool.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        pool.execute(() -> serve(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** A request or response head: its raw bytes, first line and headers. */
  private record Head(byte[] raw, String firstLine, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    boolean chunked() {
      String te = header("transfer-encoding");
      return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    long contentLength() {
      String length = header("content-length");
      return length == null ? -1 : Long.parseLong(length.trim());
    }
  }

  private void serve(Socket client) {
    Socket upstream = null;
    open.add(client);
    try {
      upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
      open.add(upstream);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      InputStream clientIn = new BufferedInputStream(client.getInputStream(), 65536);
      OutputStream clientOut = new BufferedOutputStream(client.getOutputStream(), 65536);
      InputStream upIn = new BufferedInputStream(upstream.getInputStream(), 65536);
      OutputStream upOut = new BufferedOutputStream(upstream.getOutputStream(), 65536);
      while (true) {
        Head request = readHead(clientIn);
        if (request == null) {
          return;
        }
        String[] line = request.firstLine().split(" ");
        String method = line[0];
        String target = line.length > 1 ? line[1] : "/";
        if (method.equals("GET") && target.contains("?attributes")) {
          Faults.Parts parts = partsOf(target);
          if (parts != null) {
            copyBody(request, clientIn, OutputStream.nullOutputStream());
            writeAttributes(clientOut, parts);
            continue;
          }
        }
        Faults.Kind fault =
            objectGet(method, target)
                ? faults.decide(method, target, String.valueOf(request.header("range")))
                : null;
        if (fault == Faults.Kind.RESET_BEFORE_HEADERS) {
          client.setSoLinger(true, 0);
          return;
        }
        if (fault == Faults.Kind.SLOW_DOWN
            || fault == Faults.Kind.INTERNAL_ERROR
            || fault == Faults.Kind.PRECONDITION_FAILED) {
          copyBody(request, clientIn, OutputStream.nullOutputStream());
          writeError(clientOut, fault);
          continue;
        }
        upOut.write(request.raw());
        copyBody(request, clientIn, upOut);
        upOut.flush();
        Head response = readHead(upIn);
        if (response == null) {
          return;
        }
        response = withChecksum(request, response);
        if (method.equals("HEAD") && target.contains("partNumber=")) {
          response = partAnswer(target, response);
        }
        if (method.equals("GET") && target.contains("list-type=2")) {
          Faults.ListFault listFault = faults.decideList();
          if (faults.listedChecksum() != null || faults.listFaultsScheduled()) {
            if (!writeListing(target, response, upIn, clientOut, listFault)) {
              return;
            }
            continue;
          }
        }
        if (fault == Faults.Kind.SLOW_FIRST_BYTE) {
          TimeUnit.MILLISECONDS.sleep(faults.slowFirstByte().toMillis());
        }
        if (fault != null
            && Faults.rangedOnly(fault)
            && response.firstLine().contains(" 206")
            && !response.chunked()
            && response.contentLength() > 0) {
          byte[] body = upIn.readNBytes((int) response.contentLength());
          writeWrongAnswer(clientOut, response, body, fault, target);
          continue;
        }
        clientOut.write(response.raw());
        int status = Integer.parseInt(response.firstLine().split(" ")[1]);
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || status < 200;
        if (noBody) {
          clientOut.flush();
        } else if (response.chunked()) {
          copyChunked(upIn, clientOut);
          clientOut.flush();
        } else if (response.contentLength() < 0) {
          upIn.transferTo(clientOut);
          clientOut.flush();
          return;
        } else if (!copyWithFault(upIn, clientOut, response.contentLength(), fault)) {
          return;
        }
        if ("close".equalsIgnoreCase(response.header("connection"))) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // The client or the server went away; so does this connection.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  /**
   * Answers checksum mode as S3 does for an object stored with a full-object checksum (which
   * LocalS3 keeps in the user metadata {@code retriever-checksum-ALGORITHM}): on a HEAD or a
   * whole-object GET, the headers {@code x-amz-checksum-ALGORITHM} and {@code x-amz-checksum-type:
   * FULL_OBJECT}.
   */
  private static Head withChecksum(Head request, Head response) {
    if (!"ENABLED".equalsIgnoreCase(request.header("x-amz-checksum-mode"))
        || !response.firstLine().contains(" 200")) {
      return response;
    }
    StringBuilder more = new StringBuilder();
    response
        .headers()
        .forEach(
            (name, value) -> {
              if (name.startsWith(LocalS3.CHECKSUM_METADATA_HEADER)) {
                more.append("x-amz-checksum-")
                    .append(name.substring(LocalS3.CHECKSUM_METADATA_HEADER.length()))
                    .append(": ")
                    .append(value)
                    .append("\r\n");
              }
            });
    if (more.length() == 0) {
      return response;
    }
    more.append("x-amz-checksum-type: FULL_OBJECT\r\n\r\n");
    String raw = new String(response.raw(), StandardCharsets.ISO_8859_1);
    byte[] bytes =
        (raw.substring(0, raw.length() - 2) + more).getBytes(StandardCharsets.ISO_8859_1);
    return new Head(bytes, response.firstLine(), response.headers());
  }

  private static final Pattern PART_NUMBER = Pattern.compile("[?&]partNumber=([0-9]+)");

  /**
   * Answers a HEAD of one part as S3 does for an object presented as a multipart upload: {@code
   * 206}, the part's length and range, and the number of parts in {@code x-amz-mp-parts-count}.
   * S3Proxy ignores {@code partNumber} and answers for the whole object, as this does for any other
   * object, or when the plan says the store does not answer part numbers.
   */
  private Head partAnswer(String target, Head response) {
    Matcher number = PART_NUMBER.matcher(target);
    String path = target.substring(0, target.indexOf('?'));
    int second = path.indexOf('/', 1);
    if (!number.find()
        || second < 0
        || !faults.answersPartNumbers()
        || !response.firstLine().contains(" 200")) {
      return response;
    }
    Faults.Parts parts =
        faults.multipart(
            path.substring(1, second),
            URLDecoder.decode(path.substring(second + 1), StandardCharsets.UTF_8));
    int part = Integer.parseInt(number.group(1));
    if (parts == null || part < 1 || part > parts.sizes().length) {
      return response;
    }
    long start = 0;
    for (int i = 0; i < part - 1; i++) {
      start += parts.sizes()[i];
    }
    long total = 0;
    for (long size : parts.sizes()) {
      total += size;
    }
    long length = parts.sizes()[part - 1];
    Map<String, String> headers = new TreeMap<>(response.headers());
    headers.put("content-length", String.valueOf(length));
    headers.put("content-range", "bytes " + start + "-" + (start + length - 1) + "/" + total);
    headers.put("x-amz-mp-parts-count", String.valueOf(parts.sizes().length));
    StringBuilder head = new StringBuilder("HTTP/1.1 206 Partial Content\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    return new Head(
        head.toString().getBytes(StandardCharsets.ISO_8859_1),
        "HTTP/1.1 206 Partial Content",
        headers);
  }

  /** Returns the parts of the object a GetObjectAttributes request names, if presented as such. */
  private Faults.Parts partsOf(String target) {
    String path = target.substring(0, target.indexOf('?'));
    int second = path.indexOf('/', 1);
    if (second < 0) {
      return null;
    }
    String bucket = path.substring(1, second);
    String key = URLDecoder.decode(path.substring(second + 1), StandardCharsets.UTF_8);
    return faults.multipart(bucket, key);
  }

  /** Answers GetObjectAttributes with an object's parts and their checksums. */
  private static void writeAttributes(OutputStream out, Faults.Parts parts) throws IOException {
    String element = "Checksum" + parts.algorithm();
    StringBuilder xml =
        new StringBuilder(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><GetObjectAttributesResponse"
                    + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectParts>")
            .append("<TotalPartsCount>")
            .append(parts.sizes().length)
            .append("</TotalPartsCount><IsTruncated>false</IsTruncated>");
    for (int i = 0; i < parts.sizes().length; i++) {
      xml.append("<Part><PartNumber>")
          .append(i + 1)
          .append("</PartNumber><Size>")
          .append(parts.sizes()[i])
          .append("</Size>");
      if (parts.algorithm() != null) {
        xml.append('<')
            .append(element)
            .append('>')
            .append(parts.values()[i])
            .append("</")
            .append(element)
            .append('>');
      }
      xml.append("</Part>");
    }
    xml.append("</ObjectParts></GetObjectAttributesResponse>");
    byte[] bytes = xml.toString().getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: "
            + bytes.length
            + "\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /**
   * Forwards a listing, with a checksum algorithm and type added to every object in it when
   * listings should show them, broken as {@code fault} says; returns false to close the connection.
   */
  private boolean writeListing(
      String target, Head response, InputStream in, OutputStream out, Faults.ListFault fault)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (response.chunked()) {
      ByteArrayOutputStream framed = new ByteArrayOutputStream();
      copyChunked(in, framed);
      unchunk(new java.io.ByteArrayInputStream(framed.toByteArray()), body);
    } else if (response.contentLength() > 0) {
      copy(in, body, response.contentLength());
    }
    String xml = body.toString(StandardCharsets.UTF_8);
    if (faults.listedChecksum() != null && response.firstLine().contains(" 200")) {
      xml = withChecksums(xml, faults.listedChecksum(), bucketOf(target));
    }
    if (response.firstLine().contains(" 200")) {
      xml = ListingFaults.apply(target, xml, fault, listingState);
    }
    byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
    long announced = bytes.length;
    if (fault == Faults.ListFault.TRUNCATED_BODY) {
      bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
      announced = bytes.length;
    } else if (fault == Faults.ListFault.CUT_MID_PAGE) {
      bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
    }
    StringBuilder head = new StringBuilder(response.firstLine()).append("\r\n");
    for (String line : new String(response.raw(), StandardCharsets.ISO_8859_1).split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (line.isEmpty()
          || line.equals(response.firstLine())
          || lower.startsWith("content-length:")
          || lower.startsWith("transfer-encoding:")) {
        continue;
      }
      head.append(line).append("\r\n");
    }
    head.append("Content-Length: ").append(announced).append("\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
    return fault != Faults.ListFault.CUT_MID_PAGE;
  }

  /** What listing faults need to remember of the pages before. */
  private final ListingFaults.State listingState = new ListingFaults.State();

  /** Returns a listing with a checksum algorithm and type added to every object in it. */
  private String withChecksums(String xml, String algorithm, String bucket) {
    boolean urlEncoded = xml.contains("<EncodingType>url</EncodingType>");
    Matcher keys = KEY.matcher(xml);
    StringBuilder rewritten = new StringBuilder();
    while (keys.find()) {
      String key = unescape(keys.group(1));
      if (urlEncoded) {
        key = URLDecoder.decode(key, StandardCharsets.UTF_8);
      }
      Faults.Parts parts = faults.multipart(bucket, key);
      String extra =
          parts != null && parts.algorithm() != null
              ? "<ChecksumAlgorithm>"
                  + parts.algorithm()
                  + "</ChecksumAlgorithm><ChecksumType>COMPOSITE</ChecksumType>"
              : "<ChecksumAlgorithm>"
                  + algorithm
                  + "</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>";
      keys.appendReplacement(rewritten, Matcher.quoteReplacement(keys.group() + extra));
    }
    keys.appendTail(rewritten);
    return rewritten.toString();
  }

  private static final Pattern KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);

  private static String unescape(String xml) {
    return xml.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
  }

  private static String bucketOf(String target) {
    int end = target.indexOf('?');
    String path = end < 0 ? target : target.substring(0, end);
    int second = path.indexOf('/', 1);
    return second < 0 ? path.substring(1) : path.substring(1, second);
  }

  /** Reads a chunked body and writes its data alone. */
  private static void unchunk(InputStream in, OutputStream out) throws IOException {
    while (true) {
      String sizeLine = readLine(in);
      int semicolon = sizeLine.indexOf(';');
      long size =
          Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        return;
      }
      copy(in, out, size);
      readLine(in);
    }
  }

  /**
   * Answers a ranged GET with what {@code fault} says instead of {@code body}, the range asked for:
   * the bytes one off (under a lying or an honest {@code Content-Range}), the whole object with
   * 200, or another version's bytes and ETag.
   */
  private void writeWrongAnswer(
      OutputStream out, Head response, byte[] body, Faults.Kind fault, String target)
      throws IOException {
    String[] range = response.header("content-range").split("[ -/]");
    long first = Long.parseLong(range[1]);
    long last = Long.parseLong(range[2]);
    long size = Long.parseLong(range[3]);
    String status = "HTTP/1.1 206 Partial Content";
    Map<String, String> headers = new TreeMap<>(response.headers());
    byte[] sent;
    switch (fault) {
      case SHIFTED_BODY, WRONG_RANGE -> {
        // One byte earlier when there is room before the range, else one byte later.
        boolean earlier = first > 0;
        sent = new byte[body.length];
        if (earlier) {
          System.arraycopy(body, 0, sent, 1, body.length - 1);
          sent[0] = (byte) ~body[0];
        } else {
          System.arraycopy(body, 1, sent, 0, body.length - 1);
          sent[body.length - 1] = (byte) ~body[body.length - 1];
        }
        if (fault == Faults.Kind.WRONG_RANGE) {
          long shift = earlier ? -1 : 1;
          headers.put(
              "content-range", "bytes " + (first + shift) + "-" + (last + shift) + "/" + size);
        }
      }
      case WHOLE_OBJECT -> {
        sent = wholeObject.apply(target);
        status = "HTTP/1.1 200 OK";
        headers.remove("content-range");
      }
      default -> {
        sent = body.clone();
        for (int i = 0; i < sent.length; i++) {
          sent[i] ^= 0x5A;
        }
        headers.put("etag", "\"0123456789abcdef0123456789abcdef\"");
      }
    }
    headers.put("content-length", String.valueOf(sent.length));
    StringBuilder head = new StringBuilder(status).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(sent);
    out.flush();
  }

  /** Copies a body of {@code length} bytes, breaking it as {@code fault} says; false to close. */
  private boolean copyWithFault(InputStream in, OutputStream out, long length, Faults.Kind fault)
      throws IOException, InterruptedException {
    long at = Math.min(faults.afterBytes(), Math.max(0, length - 1));
    if (fault == Faults.Kind.CLOSE_MID_BODY || fault == Faults.Kind.STALL) {
      copy(in, out, Math.min(at, length));
      out.flush();
      if (fault == Faults.Kind.STALL) {
        TimeUnit.MILLISECONDS.sleep(faults.stall().toMillis());
      }
      return false;
    }
    if (fault == Faults.Kind.CORRUPT_BYTE && length > 0) {
      copy(in, out, at);
      int b = in.read();
      if (b < 0) {
        throw new EOFException();
      }
      out.write(b ^ 0x5A);
      copy(in, out, length - at - 1);
    } else {
      copy(in, out, length);
    }
    out.flush();
    return true;
  }

  private static boolean objectGet(String method, String target) {
    if (!method.equals("GET")) {
      return false;
    }
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    int second = path.indexOf('/', 1);
    return second > 0 && second < path.length() - 1;
  }

  private static void writeError(OutputStream out, Faults.Kind fault) throws IOException {
    String status;
    String code;
    String message;
    switch (fault) {
      case SLOW_DOWN -> {
        status = "503 Slow Down";
        code = "SlowDown";
        message = "Please reduce your request rate.";
      }
      case PRECONDITION_FAILED -> {
        status = "412 Precondition Failed";
        code = "PreconditionFailed";
        message = "At least one of the pre-conditions you specified did not hold";
      }
      default -> {
        status = "500 Internal Server Error";
        code = "InternalError";
        message = "We encountered an internal error. Please try again.";
      }
    }
    String body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
            + code
            + "</Code><Message>"
            + message
            + "</Message><RequestId>LOCALS3FAULT</RequestId></Error>";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + "\r\nContent-Type: application/xml\r\nContent-Length: "
            + bytes.length
            + "\r\nx-amz-request-id: LOCALS3FAULT\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  /** Reads a head up to its blank line; returns null at the end of the stream. */
  private static Head readHead(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (raw.size() == 0) {
          return null;
        }
        throw new EOFException("head cut off");
      }
      raw.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (raw.size() > MAX_HEAD) {
        throw new IOException("head too long");
      }
    }
    String text = raw.toString(StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n");
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new Head(raw.toByteArray(), lines[0], headers);
  }

  private static void copyBody(Head head, InputStream in, OutputStream out) throws IOException {
    if (head.chunked()) {
      copyChunked(in, out);
    } else if (head.contentLength() > 0) {
      copy(in, out, head.contentLength());
    }
  }

  private static void copyChunked(InputStream in, OutputStream out) throws IOException {
    while (true) {
      String sizeLine = readLine(in);
      out.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
      int semicolon = sizeLine.indexOf(';');
      long size =
          Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        // Trailers, then the blank line.
        for (String trailer = readLine(in); ; trailer = readLine(in)) {
          out.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
          if (trailer.isEmpty()) {
            return;
          }
        }
      }
      copy(in, out, size);
      out.write((readLine(in) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException();
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[65536];
    while (length > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, length));
      if (n < 0) {
        throw new EOFException();
      }
      out.write(buffer, 0, n);
      length -= n;
    }
  }

  private void closeQuietly(Socket socket) {
    if (socket == null) {
      return;
    }
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that is left to do.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    pool.shutdownNow();
  }
}

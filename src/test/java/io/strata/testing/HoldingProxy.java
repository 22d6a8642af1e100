package io.strata.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on loopback in front of the test's S3 server that stops a chosen request on its
 * way: {@link #hold} arms a hold on the next request (or the n-th) whose method and path match; when
 * that request arrives the proxy keeps it from the server, completes the hold's future, and sends it
 * on only when the test calls {@link Hold#release()}. A batch's read-back, for instance, is the GET of
 * its object key, sent after the PUT returned and before the commit: held there, the batch is provably
 * between its upload and its commit, with its transaction open, for as long as the test needs.
 *
 * <p>Requests are read as far as needed to know where each one ends (Content-Length or chunked);
 * responses pass through untouched.
 */
public final class HoldingProxy implements AutoCloseable {

    /** The path of an archive object (not its sidecar, which ends in {@code .json}). */
    public static final String OBJECT = ".*\\.(csv|jsonl)\\.gz";
    /** The path of a sidecar. */
    public static final String SIDECAR = ".*\\.(csv|jsonl)\\.gz\\.json";

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Hold> holds = new CopyOnWriteArrayList<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public HoldingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "holding-proxy");
        t.setDaemon(true);
        t.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Holds the next request whose method is {@code method} and whose decoded path matches {@code pathRegex}. */
    public Hold hold(String method, String pathRegex) {
        return hold(method, pathRegex, 0);
    }

    /** Lets {@code skip} matching requests pass, then holds the next one. */
    public Hold hold(String method, String pathRegex, int skip) {
        Hold h = new Hold(method.toUpperCase(Locale.ROOT), Pattern.compile(pathRegex), skip);
        holds.add(h);
        return h;
    }

    /** Every request so far, as {@code METHOD path}, for failure messages. */
    public List<String> requests() {
        return List.copyOf(seen);
    }

    /** A request to stop on its way: armed by {@link #hold}, held when one arrives, sent on by {@link #release()}. */
    public final class Hold {

        private final String method;
        private final Pattern path;
        private final AtomicInteger skip;
        private final CompletableFuture<String> held = new CompletableFuture<>();
        private final CountDownLatch released = new CountDownLatch(1);

        private Hold(String method, Pattern path, int skip) {
            this.method = method;
            this.path = path;
            this.skip = new AtomicInteger(skip);
        }

        /** Claims the request when it is the one to hold: the first match after the skipped ones, once. */
        private synchronized boolean claim(String m, String p) {
            if (held.isDone() || !m.equals(method) || !path.matcher(p).matches()) {
                return false;
            }
            if (skip.getAndDecrement() > 0) {
                return false;
            }
            held.complete(p);
            return true;
        }

        /**
         * Waits until the request is held and returns its decoded path. Fails after {@code timeout},
         * with {@code context} (the child's log, say) in the message.
         */
        public String await(Duration timeout, Supplier<String> context) {
            try {
                return held.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("no " + method + " matching " + path + " was held within " + timeout.toSeconds()
                        + " s; requests seen: " + requests() + "\n" + context.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (ExecutionException e) {
                throw new AssertionError(e);
            }
        }

        /** Whether a request is being held (or was, and has been released). */
        public boolean held() {
            return held.isDone();
        }

        /** Sends the held request on to the server (or lets the matching request pass when none came yet). */
        public void release() {
            holds.remove(this);
            released.countDown();
        }

        private void awaitRelease() throws InterruptedException {
            released.await();
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                start("holding-proxy-requests", () -> requests(client, upstream));
                start("holding-proxy-responses", () -> pump(upstream, client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Forwards the client's requests one at a time, each after the hold that claims it (if any) is released. */
    private void requests(Socket client, Socket upstream) {
        try (InputStream in = new BufferedInputStream(client.getInputStream(), 1 << 16);
                OutputStream out = upstream.getOutputStream()) {
            for (byte[] head; (head = readHead(in)) != null; ) {
                String text = new String(head, StandardCharsets.ISO_8859_1);
                String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
                String method = requestLine[0].toUpperCase(Locale.ROOT);
                String target = requestLine.length > 1 ? requestLine[1] : "/";
                int q = target.indexOf('?');
                String path = URLDecoder.decode(q < 0 ? target : target.substring(0, q), StandardCharsets.UTF_8);
                seen.add(method + " " + path);
                for (Hold h : holds) {
                    if (h.claim(method, path)) {
                        h.awaitRelease();
                        break;
                    }
                }
                if (closed) {
                    return;
                }
                out.write(head);
                String lower = text.toLowerCase(Locale.ROOT);
                if (header(lower, "transfer-encoding").contains("chunked")) {
                    copyChunked(in, out);
                } else {
                    String length = header(lower, "content-length");
                    copy(in, out, length.isEmpty() ? 0 : Long.parseLong(length));
                }
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // a side is gone (the client killed, the proxy closed)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(client);
            close(upstream);
        }
    }

    /** The request line and headers up to and including the blank line; null at the end of the stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(1024);
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        if (head.size() > 0) {
            throw new IOException("the stream ended inside a request head");
        }
        return null;
    }

    /** A header's value from a lower-cased head, or "" when absent. */
    private static String header(String lowerHead, String name) {
        for (String line : lowerHead.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new IOException("the stream ended inside a request body");
            }
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = line(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer; !(trailer = line(in)).isEmpty(); ) {
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return;
            }
            copy(in, out, size + 2); // the data and its CRLF
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                return s.toString();
            }
            if (b != '\r') {
                s.append((char) b);
            }
        }
        throw new IOException("the stream ended inside a chunked body");
    }

    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the other side is gone
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Releases every hold and cuts every connection. */
    @Override
    public void close() throws IOException {
        closed = true;
        for (Hold h : holds) {
            h.release();
        }
        for (Socket s : open) {
            close(s);
        }
        server.close();
    }
}

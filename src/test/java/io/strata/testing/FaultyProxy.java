package io.strata.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a real server, to break the connection on purpose: refuse
 * every connection, pass a number of request bytes and then cut every connection, or change one byte
 * of a large response (an object's body) on its way to the client.
 */
public final class FaultyProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
    private final AtomicBoolean corrupt = new AtomicBoolean();
    private volatile boolean down;
    private volatile boolean closed;

    public FaultyProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "faulty-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Passes everything. */
    public void heal() {
        budget.set(Long.MAX_VALUE);
        down = false;
    }

    /** Refuses new connections and cuts the open ones. */
    public void down() {
        down = true;
        cutAll();
    }

    /**
     * Changes one byte in the next full 16 KB read of a response, which only an object's body fills:
     * the client gets other bytes than the server holds, with the length unchanged.
     */
    public void corruptNextLargeResponse() {
        corrupt.set(true);
    }

    /** Passes {@code bytes} more request bytes, then behaves as {@link #down()}. */
    public void cutAfter(long bytes) {
        budget.set(bytes);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (down) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (down) {
                        break;
                    }
                    if (request && budget.addAndGet(-n) < 0) {
                        down();
                        break;
                    }
                    if (!request && n == buf.length && corrupt.compareAndSet(true, false)) {
                        buf[n / 2] ^= 0x5a;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the other side is gone
            } finally {
                close(from);
                close(to);
            }
        }, "faulty-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void cutAll() {
        for (Socket s : open) {
            close(s);
        }
        open.clear();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cutAll();
        server.close();
    }
}

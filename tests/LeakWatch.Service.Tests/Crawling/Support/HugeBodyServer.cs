using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>
/// Answers one GET with a body of <c>size</c> bytes made on the fly (never stored), over a raw socket so that the count
/// of bytes sent is what the kernel accepted. <see cref="Finished"/> gives that count once the client hung up.
/// </summary>
internal sealed class HugeBodyServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TaskCompletionSource<long> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HugeBodyServer(long size, string head)
    {
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/huge");
        _ = ServeAsync(size, Encoding.UTF8.GetBytes(head));
    }

    public Uri Url { get; }

    public Task<long> Finished => _finished.Task;

    private async Task ServeAsync(long size, byte[] head)
    {
        long sent = 0;
        try
        {
            using var client = await _listener.AcceptTcpClientAsync();
            client.SendBufferSize = 64 * 1024;
            await using var stream = client.GetStream();
            var request = new byte[8192];
            var read = 0;
            while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(request.AsMemory(read));
                if (n == 0) return;
                read += n;
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(head);
            sent += head.Length;
            var filler = Encoding.ASCII.GetBytes(new string('x', 65535) + "\n");
            while (sent < size)
            {
                await stream.WriteAsync(filler);
                sent += filler.Length;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The client hung up: what it refused is what matters.
        }
        finally
        {
            _finished.TrySetResult(sent);
        }
    }

    public void Dispose() => _listener.Stop();
}

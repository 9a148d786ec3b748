using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>
/// A minimal SOCKS5 proxy (RFC 1928, no authentication, CONNECT only) on loopback, standing in for Tor: every
/// destination it is asked for (an .onion name included) is served by <c>target</c>. Records the names it was asked.
/// </summary>
internal sealed class Socks5Proxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();

    public Socks5Proxy(Uri target)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _listener.Start();
        Url = $"socks5://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptAsync();
    }

    public string Url { get; }

    public ConcurrentQueue<string> Destinations { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var greeting = await ReadAsync(stream, 2);
                await ReadAsync(stream, greeting[1]); // offered methods
                await stream.WriteAsync(new byte[] { 5, 0 });
                var request = await ReadAsync(stream, 4); // VER CMD RSV ATYP
                string host = request[3] switch
                {
                    1 => new IPAddress(await ReadAsync(stream, 4)).ToString(),
                    3 => Encoding.ASCII.GetString(await ReadAsync(stream, (await ReadAsync(stream, 1))[0])),
                    _ => new IPAddress(await ReadAsync(stream, 16)).ToString(),
                };
                var portBytes = await ReadAsync(stream, 2);
                Destinations.Enqueue(host + ":" + (portBytes[0] << 8 | portBytes[1]).ToString(System.Globalization.CultureInfo.InvariantCulture));
                using var upstream = new TcpClient();
                await upstream.ConnectAsync(_target);
                await stream.WriteAsync(new byte[] { 5, 0, 0, 1, 127, 0, 0, 1, 0, 0 });
                var up = upstream.GetStream();
                await Task.WhenAny(stream.CopyToAsync(up, _stop.Token), up.CopyToAsync(stream, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or EndOfStreamException)
            {
                // A connection the client closed.
            }
        }
    }

    private static async Task<byte[]> ReadAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LeakWatch.Service.Crawling.Http;

/// <summary>
/// The sockets under the crawler: one <see cref="SocketsHttpHandler"/> per <see cref="ConnectionProfile"/>, kept for the
/// life of the process (the factory's handler rotation would otherwise drop pools every two minutes). Addresses are
/// checked in the connect callback, after DNS, on every new connection: DNS rebinding cannot slip past a check made
/// earlier on another resolution.
/// </summary>
internal sealed class CrawlerConnections : IDisposable
{
    private readonly ConcurrentDictionary<ConnectionProfile, SocketsHttpHandler> _handlers = new();

    public HttpMessageInvoker Invoker(ConnectionProfile profile) =>
        new(_handlers.GetOrAdd(profile, Create), disposeHandler: false);

    public void Dispose()
    {
        foreach (var handler in _handlers.Values) handler.Dispose();
    }

    private static SocketsHttpHandler Create(ConnectionProfile profile)
    {
        Uri? proxy = profile.Proxy is null ? null : new Uri(profile.Proxy);
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // the fetcher follows redirects itself, re-checking each hop
            AutomaticDecompression = DecompressionMethods.All,
            UseCookies = false,
            UseProxy = proxy is not null,
            Proxy = proxy is null ? null : new WebProxy(proxy),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            MaxResponseHeadersLength = 64, // KiB
            ConnectCallback = (context, ct) => ConnectAsync(profile, proxy, context, ct),
        };
    }

    private static async ValueTask<Stream> ConnectAsync(ConnectionProfile profile, Uri? proxy, SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endPoint = context.DnsEndPoint;
        // Through a proxy the only connection made here is to the proxy itself, which is configuration, not input.
        var trusted = proxy is not null && string.Equals(endPoint.Host, proxy.Host, StringComparison.OrdinalIgnoreCase) && endPoint.Port == proxy.Port;
        var allowPrivate = trusted || profile.AllowsPrivate(endPoint.Host);
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endPoint.Host, ct);
        string? refused = null;
        Exception? lastError = null;
        foreach (var address in addresses)
        {
            if (!allowPrivate && AddressPolicy.Forbidden(address) is { } reason)
            {
                refused = $"{endPoint.Host} resolves to {address} ({reason}), which this source may not reach";
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                lastError = e;
                if (e is OperationCanceledException) throw;
            }
        }
        if (lastError is not null) throw lastError;
        throw new ForbiddenAddressException(refused ?? $"{endPoint.Host} has no address");
    }
}

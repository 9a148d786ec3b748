using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>A request as the server saw it, timed by the test's fake clock.</summary>
internal sealed record SeenRequest(string PathAndQuery, DateTimeOffset At, string? IfNoneMatch, string? UserAgent, string? Authorization);

/// <summary>
/// A real HTTP/1.1 server on a loopback address and a free port, on plain sockets (the test host keeps to the .NET
/// runtime: the `leakwatch` executable in its output must run as it does in production). One request per connection.
/// Routes are looked up by path and query, then by path; anything else is a 404. Every request is recorded with the
/// fake clock's time.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Func<LoopbackContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly Task _accepting;

    private LoopbackServer(TimeProvider time, string address)
    {
        _time = time;
        _listener = new TcpListener(IPAddress.Parse(address), 0);
        _listener.Start();
        BaseUri = new Uri($"http://{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Called for requests no route matched, before answering 404.</summary>
    public Func<LoopbackContext, Task<bool>>? Fallback { get; set; }

    public static Task<LoopbackServer> StartAsync(TimeProvider time, string address = "127.0.0.1") => Task.FromResult(new LoopbackServer(time, address));

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    public void Map(string pathAndQuery, Func<LoopbackContext, Task> handler) => _routes[pathAndQuery] = handler;

    public void MapText(string pathAndQuery, string body, string contentType = "text/html; charset=utf-8") =>
        Map(pathAndQuery, ctx =>
        {
            ctx.Response.ContentType = contentType;
            return ctx.Response.WriteAsync(body);
        });

    public void MapBytes(string pathAndQuery, byte[] body, string contentType) =>
        Map(pathAndQuery, async ctx =>
        {
            ctx.Response.ContentType = contentType;
            await ctx.Response.Body.WriteAsync(body);
        });

    public int Count(Func<string, bool> predicate) => Requests.Count(r => predicate(r.PathAndQuery));

    public int Count(string pathAndQuery) => Requests.Count(r => r.PathAndQuery == pathAndQuery);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            var head = await ReadHeadAsync(stream, _stop.Token);
            if (head is null) return;
            var context = LoopbackContext.Parse(head, aborted.Token);
            // A client that hangs up aborts the request, as in any server.
            _ = WatchAsync(stream, aborted);
            Requests.Enqueue(new SeenRequest(context.Request.PathAndQuery, _time.GetUtcNow(), context.Request.Headers["If-None-Match"].FirstOrDefault(),
                context.Request.Headers["User-Agent"].FirstOrDefault(), context.Request.Headers["Authorization"].FirstOrDefault()));
            if (_routes.TryGetValue(context.Request.PathAndQuery, out var handler) || _routes.TryGetValue(context.Request.Path, out handler))
            {
                await handler(context);
            }
            else if (Fallback is null || !await Fallback(context))
            {
                context.Response.StatusCode = 404;
            }
            await context.Response.SendAsync(stream, aborted.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private static async Task WatchAsync(Stream stream, CancellationTokenSource aborted)
    {
        try
        {
            var one = new byte[1];
            while (await stream.ReadAsync(one, aborted.Token) > 0)
            {
                // Pipelined bytes are ignored: one request per connection.
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed either way.
        }
        await aborted.CancelAsync();
    }

    private static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length, 1), ct);
            if (read == 0) return null;
            length += read;
            if (length >= 4 && buffer[length - 4] == '\r' && buffer[length - 3] == '\n' && buffer[length - 2] == '\r' && buffer[length - 1] == '\n')
            {
                return Encoding.Latin1.GetString(buffer, 0, length);
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>One request and its response, as a handler sees them.</summary>
internal sealed class LoopbackContext
{
    private LoopbackContext(LoopbackRequest request, CancellationToken aborted)
    {
        Request = request;
        RequestAborted = aborted;
    }

    public LoopbackRequest Request { get; }

    public LoopbackResponse Response { get; } = new();

    public CancellationToken RequestAborted { get; }

    public static LoopbackContext Parse(string head, CancellationToken aborted)
    {
        var lines = head.Split("\r\n");
        var target = lines[0].Split(' ')[1];
        var headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers[line[..colon].Trim()] = StringValues.Concat(headers.GetValueOrDefault(line[..colon].Trim()), line[(colon + 1)..].Trim());
        }
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[question..];
        return new LoopbackContext(new LoopbackRequest(path, query, new LoopbackValues(ParseQuery(query)), new LoopbackValues(headers)), aborted);
    }

    private static Dictionary<string, StringValues> ParseQuery(string query)
    {
        var values = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            values[key] = StringValues.Concat(values.GetValueOrDefault(key), value);
        }
        return values;
    }
}

/// <param name="QueryString">"" or "?a=1&amp;b=2", as sent.</param>
internal sealed record LoopbackRequest(string Path, string QueryString, LoopbackValues Query, LoopbackValues Headers)
{
    public string PathAndQuery => Path + QueryString;
}

/// <summary>Query or header values by name; a missing name gives no value.</summary>
internal sealed class LoopbackValues(Dictionary<string, StringValues> values)
{
    public StringValues this[string name] => values.TryGetValue(name, out var v) ? v : StringValues.Empty;

    public bool ContainsKey(string name) => values.ContainsKey(name);
}

internal sealed class LoopbackResponse
{
    public int StatusCode { get; set; } = 200;

    public string? ContentType { get; set; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public MemoryStream Body { get; } = new();

    public Task WriteAsync(string text, Encoding? encoding = null) => Body.WriteAsync((encoding ?? Encoding.UTF8).GetBytes(text)).AsTask();

    public void Redirect(string location, bool permanent = false)
    {
        StatusCode = permanent ? 301 : 302;
        Headers["Location"] = location;
    }

    public async Task SendAsync(Stream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        head.Append("HTTP/1.1 ").Append(StatusCode).Append(' ').Append((HttpStatusCode)StatusCode).Append("\r\n");
        if (ContentType is not null) head.Append("Content-Type: ").Append(ContentType).Append("\r\n");
        foreach (var (name, value) in Headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("Content-Length: ").Append(StatusCode == 304 ? 0 : Body.Length).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), ct);
        if (StatusCode != 304) await stream.WriteAsync(Body.GetBuffer().AsMemory(0, (int)Body.Length), ct);
    }
}

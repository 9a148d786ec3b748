using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace LeakWatch.Service.Tests.Alerting;

/// <summary>A request as the receiver saw it: headers and the exact body bytes.</summary>
internal sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener) that records each request before it answers, with the status codes
/// it is told to give in turn (then 200). The sender awaits the answer, so a test never waits for the receiver.
/// </summary>
internal sealed class WebhookTestReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<HttpStatusCode> _statuses = new();
    private readonly Task _loop;

    private WebhookTestReceiver(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url(string path = "hook") => $"http://127.0.0.1:{Port}/{path}";

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Runs after a request is recorded and before it is answered: what happens elsewhere while a send is under way.</summary>
    public Func<Task>? WhileAnswering { get; set; }

    public static WebhookTestReceiver Start(params HttpStatusCode[] statuses)
    {
        // HttpListener wants a port in its prefix: take one the system says is free.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var receiver = new WebhookTestReceiver(port);
        foreach (var status in statuses) receiver._statuses.Enqueue(status);
        return receiver;
    }

    public void Answer(params HttpStatusCode[] statuses)
    {
        foreach (var status in statuses) _statuses.Enqueue(status);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys
                .Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray()));
            if (WhileAnswering is { } whileAnswering) await whileAnswering();
            context.Response.StatusCode = (int)(_statuses.TryDequeue(out var status) ? status : HttpStatusCode.OK);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}

using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Tests.Crawling.Support;

/// <summary>A request as the server saw it, timed by the test's fake clock.</summary>
internal sealed record SeenRequest(string PathAndQuery, DateTimeOffset At, string? IfNoneMatch, string? UserAgent, string? Authorization);

/// <summary>
/// A real HTTP server (Kestrel) on a loopback address and a free port. Routes are looked up by path and query, then by
/// path; anything else is a 404. Every request is recorded with the fake clock's time.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    private LoopbackServer(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    public Uri BaseUri { get; private set; } = null!;

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>Called for requests no route matched, before answering 404.</summary>
    public Func<HttpContext, Task<bool>>? Fallback { get; set; }

    public static async Task<LoopbackServer> StartAsync(TimeProvider time, string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Parse(address), 0));
        var app = builder.Build();
        var server = new LoopbackServer(app, time);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.First().Replace("[::]", address, StringComparison.Ordinal) + "/");
        return server;
    }

    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    public void Map(string pathAndQuery, Func<HttpContext, Task> handler) => _routes[pathAndQuery] = handler;

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

    private async Task HandleAsync(HttpContext context)
    {
        var pathAndQuery = context.Request.Path + context.Request.QueryString;
        Requests.Enqueue(new SeenRequest(pathAndQuery, _time.GetUtcNow(), context.Request.Headers.IfNoneMatch.FirstOrDefault(),
            context.Request.Headers.UserAgent.FirstOrDefault(), context.Request.Headers.Authorization.FirstOrDefault()));
        if (_routes.TryGetValue(pathAndQuery, out var handler) || _routes.TryGetValue(context.Request.Path.Value ?? "/", out handler))
        {
            await handler(context);
            return;
        }
        if (Fallback is not null && await Fallback(context)) return;
        context.Response.StatusCode = 404;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using LeakWatch.Service.Alerting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Demo;

/// <summary>What the demo's webhook receiver got: the alert as sent, and whether its signature checked out.</summary>
internal sealed record ReceivedWebhook(AlertPayload Alert, bool SignatureValid);

/// <summary>
/// The demo's sample sites on 127.0.0.1 and a free port, in one small Kestrel app: a phpBB-style board with a thread
/// whose post holds leaked rows and a zip attachment, a paste site with one paste, and the lab's webhook receiver.
/// </summary>
internal sealed class DemoSite : IAsyncDisposable
{
    public const string PasteId = "Xk9qLw2m";

    private readonly WebApplication _app;

    private DemoSite(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public Uri BoardUrl => new(BaseUri, "viewforum.php?f=2");

    public Uri PasteArchiveUrl => new(BaseUri, "archive");

    public Uri WebhookUrl => new(BaseUri, "hooks/leakwatch");

    public Channel<ReceivedWebhook> Webhooks { get; } = Channel.CreateUnbounded<ReceivedWebhook>();

    public static async Task<DemoSite> StartAsync(string postHtml, byte[] attachmentZip, string paste, string webhookSecret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        DemoSite? site = null;

        app.MapGet("/robots.txt", () => Results.Text("User-agent: *\nAllow: /\n", "text/plain"));
        app.MapGet("/viewforum.php", () => Html("""
            <ul class="topiclist topics"><li class="row bg1"><dl class="row-item"><dt><div class="list-inner">
            <a href="./viewtopic.php?t=1" class="topictitle">[VENTE] Base patients laboratoire, 2026</a></div></dt><dd class="posts">1</dd></dl></li></ul>
            """));
        app.MapGet("/viewtopic.php", () => Html($"""
            <div id="p1" class="post has-profile bg2"><div class="inner"><div class="postbody"><div id="post_content1">
            <p class="author"><time datetime="2026-11-20T10:00:00+00:00">ven. 20 nov.</time></p>
            <div class="content">{postHtml}</div>
            <dl class="attachbox"><dd><a class="postlink" href="./download/file.php?id=7">export_labo_2026.zip</a></dd></dl>
            </div></div></div></div>
            """));
        app.MapGet("/download/file.php", () => Results.Bytes(attachmentZip, "application/zip", "export_labo_2026.zip"));
        app.MapGet("/archive", () => Html($"""<table class="maintable"><tr><td><a href="/{PasteId}">untitled</a></td></tr></table>"""));
        app.MapGet("/raw/" + PasteId, () => Results.Text(paste, "text/plain; charset=utf-8"));
        app.MapPost("/hooks/leakwatch", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            var timestamp = request.Headers[WebhookSignature.TimestampHeader].ToString();
            var expected = WebhookSignature.Compute(new Secret(webhookSecret), timestamp, bytes);
            var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Headers[WebhookSignature.SignatureHeader].ToString()));
            var alert = JsonSerializer.Deserialize<AlertPayload>(bytes, AlertPayload.Json);
            if (alert is not null) await site!.Webhooks.Writer.WriteAsync(new ReceivedWebhook(alert, valid));
            return Results.Ok();
        });

        await app.StartAsync();
        site = new DemoSite(app, new Uri(app.Urls.First() + "/"));
        return site;
    }

    private static IResult Html(string body) =>
        Results.Content($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Forum</title></head><body>{body}</body></html>", "text/html; charset=utf-8");

    public async ValueTask DisposeAsync()
    {
        Webhooks.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

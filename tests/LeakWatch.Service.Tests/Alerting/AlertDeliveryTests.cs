using System.Globalization;
using System.Net;
using System.Text.Json;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Operations;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace LeakWatch.Service.Tests.Alerting;

public class AlertDeliveryTests : IDisposable
{
    private const string Secret = "webhook-shared-secret";
    private readonly AlertingFixture _fixture;

    public AlertDeliveryTests()
        : this(null)
    {
    }

    /// <param name="postgres">Null: SQLite; otherwise the PostgreSQL database the same tests run on (Postgres/OnPostgresTests.cs).</param>
    protected AlertDeliveryTests(string? postgres) => _fixture = new(postgres);

    public void Dispose()
    {
        _fixture.Dispose();
        GC.SuppressFinalize(this);
    }

    private static Task<DeliveryRun> RunAsync(IServiceProvider services) =>
        services.GetRequiredService<AlertDispatcher>().RunOnceAsync(CancellationToken.None);

    private static Task RecordAsync(IServiceProvider services, string url, char sha, int from, int to) =>
        services.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", url, Scans.Result("dump.csv", Scans.Sha(sha), Scans.Range(from, to)), CancellationToken.None);

    [Fact]
    public async Task AlertDispatcher_SmtpDownAndWebhook500ThenRestart_EachAlertArrivesExactlyOnceSigned()
    {
        await using var smtp = await SmtpTestServer.StartAsync("alerts", "smtp-password");
        await smtp.StopAsync(); // the mail server is down
        using var hook = WebhookTestReceiver.Start(HttpStatusCode.InternalServerError);
        _fixture.AddEmailChannel("security-mail", smtp, ("Username", "alerts"), ("PasswordFile", _fixture.WriteSecretFile("smtp.pw", "smtp-password\n")));
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));

        using (var first = _fixture.StartService())
        {
            await RecordAsync(first, "https://forum.example/t/1", 'a', 1, 3);
            await RecordAsync(first, "https://forum.example/t/2", 'b', 10, 12);

            var run = await RunAsync(first);

            // One attempt per channel: a failing channel is left alone for the rest of the run.
            Assert.Equal((0, 2), (run.Delivered, run.Failed));
            Assert.Single(hook.Requests);
            Assert.Empty(smtp.Messages);
        }

        // The service is stopped; the mail server comes back; a new service starts over the same database.
        await smtp.StartAsync();
        _fixture.Time.Advance(TimeSpan.FromSeconds(10));
        using (var second = _fixture.StartService())
        {
            Assert.Equal(2, (await RunAsync(second)).Delivered); // alerts never attempted are due; the failed ones are not yet
            Assert.Equal(2, hook.Requests.Count);

            _fixture.Time.Advance(TimeSpan.FromSeconds(20));
            Assert.Equal(2, (await RunAsync(second)).Delivered);

            _fixture.Time.Advance(TimeSpan.FromHours(3));
            Assert.Equal((0, 0), ((await RunAsync(second)).Delivered, (await RunAsync(second)).Failed));
        }

        var delivered = await AlertingFixture.QueryAsync<(string Key, string Channel, long Attempts)>(_fixture.StartService(),
            "SELECT idempotency_key, channel, attempts FROM alert_outbox WHERE delivered_at IS NOT NULL ORDER BY id");
        Assert.Equal(4, delivered.Count);

        var mails = smtp.Messages.Select(b => MimeMessage.Load(new MemoryStream(b))).ToList();
        Assert.Equal(2, mails.Count);
        Assert.Equal(
            delivered.Where(d => d.Channel == "security-mail").Select(d => d.Key + "@leakwatch").Order(),
            mails.Select(m => m.MessageId).Order());
        Assert.Equal(["alerts"], smtp.AuthenticatedUsers.Distinct());

        // The receiver refused the first request; it accepted each alert once, every request signed.
        var requests = hook.Requests.ToList();
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.True(WebhookVerifier.IsValid(r, Secret)));
        var accepted = requests.Skip(1).Select(r => r.Header("X-LeakWatch-Idempotency-Key")).ToList();
        Assert.Equal(delivered.Where(d => d.Channel == "security-hook").Select(d => d.Key).Order(), accepted.Order());
        Assert.Equal(requests[0].Header("X-LeakWatch-Idempotency-Key"), requests[2].Header("X-LeakWatch-Idempotency-Key"));
        Assert.Equal(requests[0].Body, requests[2].Body); // a retry sends the same alert; only the timestamp is new
        Assert.Equal(
            _fixture.Time.GetUtcNow().AddHours(-3).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            requests[2].Header("X-LeakWatch-Timestamp"));
    }

    [Fact]
    public async Task AlertDispatcher_RepeatedFailures_BackOffExponentiallyUpToTheCap()
    {
        using var hook = WebhookTestReceiver.Start(Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 20).ToArray());
        _fixture.Settings["LeakWatch:Alerting:MaxRetryDelay"] = "00:04:00";
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));
        var services = _fixture.StartService();
        await RecordAsync(services, "https://forum.example/t/1", 'a', 1, 3);

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            Assert.Equal(1, (await RunAsync(services)).Failed);
            var (next, error, attempts) = Assert.Single(await AlertingFixture.QueryAsync<(string, string, long)>(services, "SELECT next_attempt_at, last_error, attempts FROM alert_outbox"));
            Assert.Equal(attempt, attempts);
            Assert.Equal("HTTP 503 Service Unavailable", error);
            var wait = DbTime.Parse(next) - _fixture.Time.GetUtcNow();
            waits.Add(wait);

            _fixture.Time.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.Equal((0, 0), ((await RunAsync(services)).Delivered, (await RunAsync(services)).Failed)); // not due yet
            _fixture.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([30, 60, 120, 240, 240, 240], waits.Select(w => (int)w.TotalSeconds));
        Assert.Equal(6, hook.Requests.Count);
    }

    [Fact]
    public async Task AlertDispatcher_CrashAfterSendBeforeMark_ResendsWithSameKeyAndBody()
    {
        using var hook = WebhookTestReceiver.Start();
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));
        var services = _fixture.StartService();
        await RecordAsync(services, "https://forum.example/t/1", 'a', 1, 3);
        Assert.Equal(1, (await RunAsync(services)).Delivered);

        // As if the process died between the receiver's 200 and the update of the row.
        await using (var connection = await AlertingFixture.OpenAsync(services))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE alert_outbox SET delivered_at = NULL");
        }
        _fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await RunAsync(_fixture.StartService())).Delivered);

        var requests = hook.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Header("X-LeakWatch-Idempotency-Key"), requests[1].Header("X-LeakWatch-Idempotency-Key"));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.NotEqual(requests[0].Header("X-LeakWatch-Signature"), requests[1].Header("X-LeakWatch-Signature"));
        Assert.All(requests, r => Assert.True(WebhookVerifier.IsValid(r, Secret)));
    }

    [Fact]
    public async Task AlertDispatcher_GenericWebhook_SendsDocumentedJson()
    {
        using var hook = WebhookTestReceiver.Start();
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));
        var services = _fixture.StartService();
        await services.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", "https://forum.example/t/1", Scans.Result("dump.csv", Scans.Sha('a'),
            [.. Scans.Range(1, 2), Scans.Match(3, Confidence.Medium, MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate, "identity")]), CancellationToken.None);

        await RunAsync(services);

        var request = Assert.Single(hook.Requests);
        Assert.Equal(("POST", "/hook"), (request.Method, request.Path));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("incident.new", root.GetProperty("type").GetString());
        Assert.False(root.GetProperty("test").GetBoolean());
        Assert.Equal(request.Header("X-LeakWatch-Idempotency-Key"), root.GetProperty("idempotency_key").GetString());
        var incident = root.GetProperty("incident");
        Assert.Equal(1, incident.GetProperty("id").GetInt64());
        Assert.Equal("https://forum.example/t/1", incident.GetProperty("url").GetString());
        Assert.Equal("forum-x", incident.GetProperty("source").GetString());
        Assert.Equal("https://leakwatch.lab.test:5080/incidents/1", incident.GetProperty("console_url").GetString());
        var patients = incident.GetProperty("patients");
        Assert.Equal((3, 2, 1, 0), (patients.GetProperty("total").GetInt32(), patients.GetProperty("high").GetInt32(), patients.GetProperty("medium").GetInt32(), patients.GetProperty("low").GetInt32()));
        Assert.Equal(["Nir", "LastName", "FirstName", "BirthDate"], incident.GetProperty("fields").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["identity", "nir+name"], incident.GetProperty("rules").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("2025-03-12T09:00:00+00:00", incident.GetProperty("first_seen").GetString());
    }

    [Fact]
    public async Task AlertDispatcher_SlackAndTeams_SendTheirFormatsUnsigned()
    {
        using var hook = WebhookTestReceiver.Start();
        _fixture.AddChannel("soc-slack", "slack", ("Url", hook.Url("slack")));
        Environment.SetEnvironmentVariable("LEAKWATCH_TEST_TEAMS_URL", hook.Url("teams"));
        _fixture.AddChannel("soc-teams", "teams", ("UrlEnvironmentVariable", "LEAKWATCH_TEST_TEAMS_URL"));
        var services = _fixture.StartService();
        await RecordAsync(services, "https://forum.example/t/1", 'a', 1, 3);

        Assert.Equal(2, (await RunAsync(services)).Delivered);

        var slack = Assert.Single(hook.Requests, r => r.Path == "/slack");
        using (var json = JsonDocument.Parse(slack.Body))
        {
            Assert.Contains("Incident #1: 3 of our patients", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
            var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().ToList();
            Assert.Equal("header", blocks[0].GetProperty("type").GetString());
            Assert.Contains(blocks, b => b.GetProperty("type").GetString() == "section"
                && b.GetProperty("text").GetProperty("text").GetString()!.Contains("<https://leakwatch.lab.test:5080/incidents/1|open incident #1>", StringComparison.Ordinal));
        }
        var teams = Assert.Single(hook.Requests, r => r.Path == "/teams");
        using (var json = JsonDocument.Parse(teams.Body))
        {
            var attachment = json.RootElement.GetProperty("attachments")[0];
            Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
            var card = attachment.GetProperty("content");
            Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
            Assert.Equal("https://leakwatch.lab.test:5080/incidents/1", card.GetProperty("actions")[0].GetProperty("url").GetString());
        }
        Assert.All(hook.Requests, r => Assert.Equal("", r.Header("X-LeakWatch-Signature")));
    }

    [Fact]
    public async Task AlertDispatcher_Email_HasTextAndHtmlAndMessageIdFromKey()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        _fixture.AddEmailChannel("security-mail", smtp, ("To:1", "dpo@lab.test"));
        var services = _fixture.StartService();
        await RecordAsync(services, "https://forum.example/t/1", 'a', 1, 3);

        Assert.Equal(1, (await RunAsync(services)).Delivered);

        var mail = MimeMessage.Load(new MemoryStream(Assert.Single(smtp.Messages)));
        var key = Assert.Single(await AlertingFixture.QueryAsync<string>(services, "SELECT idempotency_key FROM alert_outbox"));
        Assert.Equal(key + "@leakwatch", mail.MessageId);
        Assert.Equal(key, mail.Headers["X-LeakWatch-Idempotency-Key"]);
        Assert.Equal(["security@lab.test", "dpo@lab.test"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.StartsWith("[LeakWatch] Incident #1: 3 of our patients found", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Where: https://forum.example/t/1", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("Console: https://leakwatch.lab.test:5080/incidents/1", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://leakwatch.lab.test:5080/incidents/1\">", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Empty(smtp.AuthenticatedUsers);
    }

    [Fact]
    public async Task AlertDispatcher_StartTlsRequiredButNotOffered_SendsNothingInClear()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        _fixture.AddEmailChannel("security-mail", smtp, ("SmtpSecurity", "starttls"));
        var services = _fixture.StartService();
        await RecordAsync(services, "https://forum.example/t/1", 'a', 1, 3);

        var run = await RunAsync(services);

        Assert.Equal((0, 1), (run.Delivered, run.Failed));
        Assert.Empty(smtp.Messages);
        var error = Assert.Single(await AlertingFixture.QueryAsync<string>(services, "SELECT last_error FROM alert_outbox"));
        Assert.StartsWith("NotSupportedException", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertDispatcher_DamagedPayload_DoesNotBlockTheOtherAlerts()
    {
        using var hook = WebhookTestReceiver.Start();
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));
        var services = _fixture.StartService();
        await RecordAsync(services, "https://forum.example/t/1", 'a', 1, 3);
        await RecordAsync(services, "https://forum.example/t/2", 'b', 10, 12);
        await using (var connection = await AlertingFixture.OpenAsync(services))
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE alert_outbox SET payload = '{not json' WHERE incident_id = 1");
        }

        var run = await RunAsync(services);

        Assert.Equal((1, 1), (run.Delivered, run.Failed));
        Assert.Equal("Unreadable payload", Assert.Single(await AlertingFixture.QueryAsync<string>(services, "SELECT last_error FROM alert_outbox WHERE incident_id = 1")));
    }

    [Fact]
    public async Task AlertDispatcher_ChannelRemovedFromConfiguration_KeepsItsAlertsWaiting()
    {
        using var hook = WebhookTestReceiver.Start();
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));
        await RecordAsync(_fixture.StartService(), "https://forum.example/t/1", 'a', 1, 3);
        _fixture.Settings["LeakWatch:Alerting:Channels:0:Name"] = "renamed-hook";

        var run = await RunAsync(_fixture.StartService());

        Assert.Equal((0, 1), (run.Delivered, run.Failed));
        Assert.Empty(hook.Requests);
        var (attempts, error, delivered) = Assert.Single(await AlertingFixture.QueryAsync<(long, string, string?)>(_fixture.StartService(), "SELECT attempts, last_error, delivered_at FROM alert_outbox"));
        Assert.Equal((1L, "Channel not configured", null), (attempts, error, delivered));
    }

    private ServiceProvider StartNode(string name)
    {
        _fixture.Settings["LeakWatch:Cluster:NodeName"] = name;
        return _fixture.StartService();
    }

    [Fact]
    public async Task AlertOutbox_MarkFailedAfterTheLeasePassedToAnotherNode_WritesNothingAndTheHolderKeepsIt()
    {
        _fixture.AddChannel("security-hook", "webhook", ("Url", "http://127.0.0.1:9/hook"), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));
        var a = StartNode("node-a");
        var b = StartNode("node-b");
        await RecordAsync(a, "https://forum.example/t/1", 'a', 1, 3);
        var claimed = Assert.Single(await a.GetRequiredService<AlertOutbox>().DueAsync(_fixture.Time.GetUtcNow(), 10, CancellationToken.None));
        _fixture.Time.Advance(new ClusterOptions().AlertClaimLease + TimeSpan.FromSeconds(1));
        Assert.Single(await b.GetRequiredService<AlertOutbox>().DueAsync(_fixture.Time.GetUtcNow(), 10, CancellationToken.None));
        var before = await AlertingFixture.QueryAsync<(long, string, string, string?)>(a, "SELECT attempts, next_attempt_at, claimed_by, last_error FROM alert_outbox");

        var staleWrite = await a.GetRequiredService<AlertOutbox>().MarkFailedAsync(claimed.Id, _fixture.Time.GetUtcNow() + TimeSpan.FromHours(1), "late failure", CancellationToken.None);

        Assert.False(staleWrite);
        Assert.Equal(before, await AlertingFixture.QueryAsync<(long, string, string, string?)>(a, "SELECT attempts, next_attempt_at, claimed_by, last_error FROM alert_outbox"));
        Assert.Equal("node-b", Assert.Single(before).Item3);
        Assert.True(await b.GetRequiredService<AlertOutbox>().MarkFailedAsync(claimed.Id, _fixture.Time.GetUtcNow(), "holder's failure", CancellationToken.None));
        Assert.Equal((1L, "holder's failure"), Assert.Single(await AlertingFixture.QueryAsync<(long, string)>(a, "SELECT attempts, last_error FROM alert_outbox")));
    }

    [Fact]
    public async Task AlertDispatcher_SendFailsAfterItsLeasePassedToAnotherNode_LeavesTheAlertToTheNewHolder()
    {
        using var hook = WebhookTestReceiver.Start(HttpStatusCode.InternalServerError);
        _fixture.AddChannel("security-hook", "webhook", ("Url", hook.Url()), ("SecretFile", _fixture.WriteSecretFile("hook.secret", Secret)));
        var a = StartNode("node-a");
        var b = StartNode("node-b");
        await RecordAsync(a, "https://forum.example/t/1", 'a', 1, 3);
        // While node-a's send is under way its lease runs out and node-b claims the alert; then the receiver answers 500.
        hook.WhileAnswering = async () =>
        {
            _fixture.Time.Advance(new ClusterOptions().AlertClaimLease + TimeSpan.FromSeconds(1));
            Assert.Single(await b.GetRequiredService<AlertOutbox>().DueAsync(_fixture.Time.GetUtcNow(), 10, CancellationToken.None));
        };

        var run = await RunAsync(a);

        Assert.Equal((0, 0), (run.Delivered, run.Failed));
        Assert.Single(hook.Requests);
        var (attempts, claimedBy, error) = Assert.Single(await AlertingFixture.QueryAsync<(long, string, string?)>(a, "SELECT attempts, claimed_by, last_error FROM alert_outbox"));
        Assert.Equal((0L, "node-b", null), (attempts, claimedBy, error));
    }
}

using System.Net;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Tests.Alerting;

public sealed class AlertThresholdTests : IDisposable
{
    private const string Secret = "digest-secret";
    private readonly AlertingFixture _fixture = new();
    private readonly WebhookTestReceiver _hook = WebhookTestReceiver.Start();

    public void Dispose()
    {
        _hook.Dispose();
        _fixture.Dispose();
    }

    private void AddHook(string name, params (string, string)[] settings) =>
        _fixture.AddChannel(name, "webhook", [("Url", _hook.Url(name)), ("SecretFile", _fixture.WriteSecretFile(name + ".secret", Secret)), .. settings]);

    private static Task RecordAsync(IServiceProvider services, string url, char sha, params PatientMatch[] matches) =>
        services.GetRequiredService<IIncidentRecorder>().RecordAsync("forum-x", url, Scans.Result("d", Scans.Sha(sha), matches), CancellationToken.None);

    private static Task<DeliveryRun> RunAsync(IServiceProvider services) =>
        services.GetRequiredService<AlertDispatcher>().RunOnceAsync(CancellationToken.None);

    [Fact]
    public async Task AlertPlanner_BelowMinConfidenceAndMinPatients_AlertsOnlyOnceTheIncidentQualifies()
    {
        AddHook("strict", ("MinConfidence", "high"), ("MinPatients", "3"));
        AddHook("everything");
        var services = _fixture.StartService();

        await RecordAsync(services, "https://x.example/a", 'a', [.. Scans.Range(1, 2, Confidence.High), .. Scans.Range(3, 9, Confidence.Low)]);
        await RunAsync(services);
        Assert.Equal(["/everything"], _hook.Requests.Select(r => r.Path));

        // A larger version brings a third high-confidence patient: now the strict channel hears of it.
        await RecordAsync(services, "https://x.example/a", 'b', [.. Scans.Range(1, 2, Confidence.High), .. Scans.Range(3, 9, Confidence.Low), Scans.Match(10, Confidence.High)]);
        await RunAsync(services);

        var kinds = await AlertingFixture.QueryAsync<(string Channel, string Kind, long Revision)>(services, "SELECT channel, kind, revision FROM alert_outbox ORDER BY id");
        Assert.Equal([("everything", "incident.new", 1L), ("everything", "incident.grown", 2L), ("strict", "incident.grown", 2L)], kinds.OrderBy(k => k.Channel).ThenBy(k => k.Revision));
        Assert.Equal(3, _hook.Requests.Count);
    }

    [Fact]
    public async Task AlertDigests_HourlyChannel_SendsOneDigestPerPeriodForBelowThresholdIncidents()
    {
        AddHook("digest", ("MinPatients", "10"), ("Digest", "hourly"));
        var services = _fixture.StartService();
        _fixture.Time.Advance(TimeSpan.FromMinutes(10)); // 09:10
        await RecordAsync(services, "https://x.example/a", 'a', Scans.Range(1, 2));
        _fixture.Time.Advance(TimeSpan.FromMinutes(30)); // 09:40
        await RecordAsync(services, "https://x.example/b", 'b', Scans.Range(20, 24));

        Assert.Equal(0, (await RunAsync(services)).DigestsQueued); // the hour is not over
        Assert.Empty(_hook.Requests);

        _fixture.Time.Advance(TimeSpan.FromMinutes(20)); // 10:00
        await RecordAsync(services, "https://x.example/c", 'c', Scans.Range(40, 60)); // above the threshold: at once
        var run = await RunAsync(services);
        Assert.Equal((1, 2), (run.DigestsQueued, run.Delivered));

        // Restarted, a minute later, an hour later: the 09:00 period is not summarized again.
        _fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((0, 0), ((await RunAsync(_fixture.StartService())).DigestsQueued, (await RunAsync(services)).Delivered));
        _fixture.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await RunAsync(_fixture.StartService())).DigestsQueued);

        var digest = Assert.Single(_hook.Requests, r => AlertPayload.FromJson(System.Text.Encoding.UTF8.GetString(r.Body)).Type == AlertPayload.DigestType);
        Assert.True(WebhookVerifier.IsValid(digest, Secret));
        var payload = AlertPayload.FromJson(System.Text.Encoding.UTF8.GetString(digest.Body)).Digest!;
        Assert.Equal(("hourly", 2, 0), (payload.Period, payload.IncidentCount, payload.Omitted));
        Assert.Equal(new DateTimeOffset(2025, 3, 12, 9, 0, 0, TimeSpan.Zero), payload.From);
        Assert.Equal(new DateTimeOffset(2025, 3, 12, 10, 0, 0, TimeSpan.Zero), payload.To);
        Assert.Equal([5, 2], payload.Incidents.Select(i => i.Patients.Total));
        Assert.Matches("^lw-[0-9a-f]{12}-digest-hourly-2025031209-[0-9a-f]{8}$", digest.Header("X-LeakWatch-Idempotency-Key"));
    }

    [Fact]
    public async Task AlertDigests_DailyChannelFailingDelivery_RetriesTheSameDigest()
    {
        _hook.Answer(HttpStatusCode.BadGateway);
        AddHook("daily", ("MinPatients", "100"), ("Digest", "daily"));
        var services = _fixture.StartService();
        await RecordAsync(services, "https://x.example/a", 'a', Scans.Range(1, 2));
        _fixture.Time.Advance(TimeSpan.FromHours(15)); // 2025-03-13 00:00

        Assert.Equal((1, 0, 1), Tuple(await RunAsync(services)));
        _fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal((0, 1, 0), Tuple(await RunAsync(_fixture.StartService())));

        var keys = _hook.Requests.Select(r => r.Header("X-LeakWatch-Idempotency-Key")).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Distinct());
        Assert.Contains("-digest-daily-2025031200-", keys[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertPlanner_BelowThresholdWithoutDigest_QueuesNothing()
    {
        AddHook("strict", ("MinPatients", "5"));
        var services = _fixture.StartService();

        await RecordAsync(services, "https://x.example/a", 'a', Scans.Range(1, 4));

        Assert.Empty(await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM alert_outbox"));
        Assert.Empty(await AlertingFixture.QueryAsync<long>(services, "SELECT incident_id FROM alert_digest_items"));
        Assert.Single(await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM incidents"));
    }

    private static (int, int, int) Tuple(DeliveryRun run) => (run.DigestsQueued, run.Delivered, run.Failed);
}

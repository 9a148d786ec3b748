using LeakWatch.Service.Incidents;
using LeakWatch.Service.Tests.Alerting;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Tests.Incidents;

public class SignalIncidentRecorderTests : IDisposable
{
    private readonly AlertingFixture _fixture;

    public SignalIncidentRecorderTests()
        : this(null)
    {
    }

    /// <param name="postgres">Null: SQLite; otherwise the PostgreSQL database the same tests run on (Postgres/OnPostgresTests.cs).</param>
    protected SignalIncidentRecorderTests(string? postgres)
    {
        _fixture = new(postgres);
        _fixture.AddChannel("security-hook", "webhook", ("Url", "http://127.0.0.1:9/hook"), ("SecretFile", _fixture.WriteSecretFile("hook.secret", "s3cret\n")));
    }

    public void Dispose()
    {
        _fixture.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SignalIncidentRecorder_SamePageSeenAgainThenWithANewTerm_OneIncidentItsLastSightingMovedThenARevision()
    {
        var services = _fixture.StartService();
        var signals = services.GetRequiredService<SignalIncidentRecorder>();
        const string Url = "https://forum.example/t/7";

        await signals.RecordEarlyWarningAsync("forum-x", Url, Scans.Sha('a'), 100, ["lab"], CancellationToken.None);
        _fixture.Time.Advance(TimeSpan.FromHours(1));
        await signals.RecordEarlyWarningAsync("forum-x", Url, Scans.Sha('b'), 120, ["lab"], CancellationToken.None);

        var seen = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal((IncidentKind.EarlyWarning, 1L, "lab"), (seen.Kind, seen.Revision, seen.Terms));
        Assert.Equal("2025-03-12T10:00:00.000Z", seen.LastSeen);

        _fixture.Time.Advance(TimeSpan.FromHours(1));
        await signals.RecordEarlyWarningAsync("forum-x", Url, Scans.Sha('c'), 140, ["lab", "software"], CancellationToken.None);

        var grown = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal((2L, "2025-03-12T11:00:00.000Z"), (grown.Revision, grown.LastSeen));
        Assert.Equal(["lab", "software"], IncidentRow.ListOf(grown.Terms!));
    }
}

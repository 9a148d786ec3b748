using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Tests.Alerting;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Tests.Incidents;

public class IncidentRecorderTests : IDisposable
{
    private readonly AlertingFixture _fixture;

    public IncidentRecorderTests()
        : this(null)
    {
    }

    /// <param name="postgres">Null: SQLite; otherwise the PostgreSQL database the same tests run on (Postgres/OnPostgresTests.cs).</param>
    protected IncidentRecorderTests(string? postgres)
    {
        _fixture = new(postgres);
        _fixture.AddChannel("security-hook", "webhook", ("Url", "http://127.0.0.1:9/hook"), ("SecretFile", _fixture.WriteSecretFile("hook.secret", "s3cret\n")));
        _fixture.AddChannel("soc-slack", "slack", ("Url", "http://127.0.0.1:9/slack"));
    }

    public void Dispose()
    {
        _fixture.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task IncidentRecorder_NewDocumentWithMatches_CreatesIncidentWithCountsAndOneAlertPerChannel()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();
        var result = Scans.Result("dump.csv", Scans.Sha('a'),
        [
            .. Scans.Range(1, 3, Confidence.High),
            Scans.Match(4, Confidence.Medium, MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate, "identity"),
            Scans.Match(5, Confidence.Low, MatchedFields.Email, "email"),
        ]);

        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", result, CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal("forum-x", incident.Source);
        Assert.Equal("https://forum.example/t/42", incident.Url);
        Assert.Equal(Scans.Sha('a'), incident.ContentHash);
        Assert.Equal((3L, 1L, 1L, 5L), (incident.PatientsHigh, incident.PatientsMedium, incident.PatientsLow, incident.PatientsTotal));
        Assert.Equal(1, incident.Revision);
        Assert.Equal(MatchedRules.Email | MatchedRules.Identity | MatchedRules.NirName, incident.Rules);
        Assert.Equal(MatchedFields.Nir | MatchedFields.LastName | MatchedFields.FirstName | MatchedFields.BirthDate | MatchedFields.Email, incident.Fields);
        Assert.Equal("2025-03-12T09:00:00.000Z", incident.FirstSeen);

        var outbox = await AlertingFixture.QueryAsync<(string Channel, string Kind, long Revision, string Key)>(services,
            "SELECT channel, kind, revision, idempotency_key FROM alert_outbox ORDER BY channel");
        Assert.Equal(["security-hook", "soc-slack"], outbox.Select(o => o.Channel));
        Assert.All(outbox, o => Assert.Equal("incident.new", o.Kind));
        Assert.All(outbox, o => Assert.Matches("^lw-[0-9a-f]{12}-incident-1-r1-[0-9a-f]{8}$", o.Key));
        Assert.NotEqual(outbox[0].Key, outbox[1].Key);
    }

    [Fact]
    public async Task IncidentRecorder_IncidentPatients_HoldOnlyReferenceConfidenceAndRules()
    {
        var services = _fixture.StartService();
        await services.GetRequiredService<IIncidentRecorder>().RecordAsync("s", "u", Scans.Result("d", Scans.Sha('a'), Scans.Range(1, 2)), CancellationToken.None);

        var columns = await AlertingFixture.QueryAsync<string>(services, services.GetRequiredService<LeakWatch.Service.Storage.Database>().Sql(
            "SELECT name FROM pragma_table_info('incident_patients') ORDER BY cid",
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'incident_patients' ORDER BY ordinal_position"));
        Assert.Equal(["incident_id", "patient", "confidence", "rules"], columns);
        var rows = await AlertingFixture.QueryAsync<(long Incident, byte[] Patient, long Confidence, long Rules)>(services,
            "SELECT incident_id, patient, confidence, rules FROM incident_patients ORDER BY patient");
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.Patient.AsSpan().SequenceEqual(Scans.Patient(1).ToBytes()));
        Assert.All(rows, r => Assert.Equal((1L, 16, 3L, (long)MatchedRules.NirName), (r.Incident, r.Patient.Length, r.Confidence, r.Rules)));
    }

    [Fact]
    public async Task IncidentRecorder_SameContentSeenAgain_OnlyUpdatesLastSeen()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();
        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('a'), Scans.Range(1, 3)), CancellationToken.None);
        _fixture.Time.Advance(TimeSpan.FromHours(2));

        // The same bytes, even at another address and with more patients claimed: the content hash decides.
        await recorder.RecordAsync("paste-y", "https://paste.example/raw/9", Scans.Result("d", Scans.Sha('a'), Scans.Range(1, 3)), CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal(("2025-03-12T09:00:00.000Z", "2025-03-12T11:00:00.000Z", 1L, "https://forum.example/t/42"), (incident.FirstSeen, incident.LastSeen, incident.Revision, incident.Url));
        Assert.Equal(2, (await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM alert_outbox")).Count);
        Assert.Single(await AlertingFixture.QueryAsync<string>(services, "SELECT url FROM incident_documents"));
    }

    [Fact]
    public async Task IncidentRecorder_LargerVersionAtSameUrl_GrowsIncidentAndQueuesGrowthAlerts()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();
        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('a'), Scans.Range(1, 3)), CancellationToken.None);
        _fixture.Time.Advance(TimeSpan.FromMinutes(30));

        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('b'), Scans.Range(2, 10)), CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal((2L, 10L, 7L, Scans.Sha('b')), (incident.Revision, incident.PatientsTotal, incident.LastGrowth, incident.ContentHash));
        var growth = await AlertingFixture.QueryAsync<string>(services, "SELECT payload FROM alert_outbox WHERE kind = 'incident.grown' ORDER BY channel");
        Assert.Equal(2, growth.Count);
        var payload = AlertPayload.FromJson(growth[0]);
        Assert.Equal((2, 7, 10), (payload.Incident!.Revision, payload.Incident.NewPatients, payload.Incident.Patients.Total));
    }

    [Fact]
    public async Task IncidentRecorder_SmallerOrEqualVersionAtSameUrl_RecordsVersionWithoutAlert()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();
        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('a'), Scans.Range(1, 5)), CancellationToken.None);

        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('b'), Scans.Range(1, 2)), CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal((1L, 5L), (incident.Revision, incident.PatientsTotal));
        Assert.Equal(2, (await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM alert_outbox")).Count);
        Assert.Equal(2, (await AlertingFixture.QueryAsync<string>(services, "SELECT content_hash FROM incident_documents")).Count);
    }

    [Fact]
    public async Task IncidentRecorder_SupersetElsewhere_GrowsTheKnownIncident()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();
        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("sample.csv", Scans.Sha('a'), Scans.Range(1, 4)), CancellationToken.None);

        await recorder.RecordAsync("paste-y", "https://paste.example/raw/full", Scans.Result("full.csv", Scans.Sha('b'), Scans.Range(1, 12)), CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal((2L, 12L, 8L, "https://paste.example/raw/full", "paste-y"), (incident.Revision, incident.PatientsTotal, incident.LastGrowth, incident.Url, incident.Source));
    }

    [Fact]
    public async Task IncidentRecorder_OverlappingButNotSupersetElsewhere_CreatesAnotherIncident()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();
        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("a.csv", Scans.Sha('a'), Scans.Range(1, 4)), CancellationToken.None);

        await recorder.RecordAsync("paste-y", "https://paste.example/raw/other", Scans.Result("b.csv", Scans.Sha('b'), Scans.Range(3, 8)), CancellationToken.None);

        var incidents = await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents ORDER BY id");
        Assert.Equal([4L, 6L], incidents.Select(i => i.PatientsTotal));
        Assert.All(incidents, i => Assert.Equal(1L, i.Revision));
    }

    [Fact]
    public async Task IncidentRecorder_NoMatches_RecordsNothing()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();

        await recorder.RecordAsync("s", "u1", Scans.Result("d", Scans.Sha('a')), CancellationToken.None);
        await recorder.RecordAsync("s", "u2", Scans.Result("d", Scans.Sha('b')) with { Skipped = "archive bomb" }, CancellationToken.None);

        Assert.Empty(await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM incidents"));
        Assert.Empty(await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM alert_outbox"));
    }

    [Fact]
    public async Task IncidentRecorder_DocumentReadOnlyInPart_RecordsThePatientsFoundInWhatWasRead()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();

        await recorder.RecordAsync("s", "u2", Scans.Result("d", Scans.Sha('b'), Scans.Range(1, 3)) with { Skipped = "partly read: too large" }, CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal(3L, incident.PatientsTotal);
    }

    [Fact]
    public async Task IncidentRecorder_TwoDifferentPartialDocuments_GiveTwoIncidentsWithAlerts()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();

        // Read in part: the scanner has no digest of the whole and hands "" as the content hash.
        await recorder.RecordAsync("forum-x", "https://forum.example/t/1", Scans.Result("a.tar.gz", "", Scans.Range(1, 3)) with { Skipped = "partly read: truncated gzip" }, CancellationToken.None);
        await recorder.RecordAsync("paste-y", "https://paste.example/raw/2", Scans.Result("b.tar.gz", "", Scans.Range(10, 12)) with { Skipped = "partly read: truncated tar" }, CancellationToken.None);

        var incidents = await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents ORDER BY id");
        Assert.Equal(["https://forum.example/t/1", "https://paste.example/raw/2"], incidents.Select(i => i.Url));
        Assert.All(incidents, i => Assert.Equal(3L, i.PatientsTotal));
        Assert.Equal(4, (await AlertingFixture.QueryAsync<long>(services, "SELECT id FROM alert_outbox")).Count);
        var keys = await AlertingFixture.QueryAsync<string>(services, "SELECT content_hash FROM incident_documents");
        Assert.Equal(2, keys.Count);
        Assert.All(keys, k => Assert.Matches("^partial:[0-9a-f]{32}$", k));
        Assert.NotEqual(keys[0], keys[1]);
    }

    [Fact]
    public async Task IncidentRecorder_PartialDocumentAgainAtSameUrl_GrowsTheSameIncident()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();

        await recorder.RecordAsync("s", "https://forum.example/t/1", Scans.Result("d", "", Scans.Range(1, 3)) with { Skipped = "partly read: truncated gzip" }, CancellationToken.None);
        await recorder.RecordAsync("s", "https://forum.example/t/1", Scans.Result("d", "", Scans.Range(1, 5)) with { Skipped = "partly read: truncated gzip" }, CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal((5L, 2L), (incident.PatientsTotal, incident.Revision));
    }

    [Fact]
    public async Task IncidentRecorder_PatientSeenWithMoreConfidence_KeepsTheBestConfidence()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IIncidentRecorder>();
        await recorder.RecordAsync("s", "https://x.example/a", Scans.Result("d", Scans.Sha('a'), Scans.Match(1, Confidence.Low, MatchedFields.Email, "email")), CancellationToken.None);

        await recorder.RecordAsync("s", "https://x.example/a", Scans.Result("d", Scans.Sha('b'), Scans.Match(1, Confidence.High), Scans.Match(2, Confidence.High)), CancellationToken.None);

        var incident = Assert.Single(await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents"));
        Assert.Equal((2L, 0L, 2L), (incident.PatientsHigh, incident.PatientsLow, incident.Revision));
        Assert.Equal(MatchedRules.Email | MatchedRules.NirName, incident.Rules);
    }

    [Fact]
    public async Task IncidentRecorder_SameBytesAndUrlAsIncidentOfAnotherKind_MakeAnIncidentOfTheirOwn()
    {
        var services = _fixture.StartService();
        var recorder = services.GetRequiredService<IncidentRecorder>();
        // A kind to come (issue 15: canaries, early warnings, suspicious dumps) is recorded by the same recorder, even without matches.
        var otherKind = (IncidentKind)2;
        await recorder.RecordAsync("forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('a'), Scans.Range(1, 3)), CancellationToken.None);

        await recorder.RecordAsync(otherKind, "forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('a')), CancellationToken.None);
        await recorder.RecordAsync(otherKind, "forum-x", "https://forum.example/t/42", Scans.Result("d", Scans.Sha('a')), CancellationToken.None);

        var incidents = await AlertingFixture.QueryAsync<IncidentRow>(services, "SELECT " + IncidentRow.Columns + " FROM incidents ORDER BY id");
        Assert.Equal([(IncidentKind.PatientLeak, 3L, 1L), (otherKind, 0L, 1L)], incidents.Select(i => (i.Kind, i.PatientsTotal, i.Revision)));
        Assert.Equal(2, (await AlertingFixture.QueryAsync<long>(services, "SELECT incident_id FROM incident_documents WHERE content_hash = @Sha", new { Sha = Scans.Sha('a') })).Count);
    }
}

using System.Security.Cryptography;
using Dapper;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Alerting;
using LeakWatch.Service.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Incidents;

/// <summary>
/// Turns a document's matches into an incident: a new one, the growth of a known one (same URL, or the matched
/// patients are a superset of a known incident's), or nothing at all when the same bytes were already seen. The
/// incident change and its alerts are one transaction.
/// </summary>
internal sealed class IncidentRecorder(
    Database database,
    AlertPlanner planner,
    TimeProvider time,
    ILogger<IncidentRecorder> logger) : IIncidentRecorder, IDisposable
{
    // Writers are serialized in process (several crawl workers may call at once); busy_timeout covers other processes.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task RecordAsync(string source, string url, DocumentScanResult result, CancellationToken cancellationToken)
    {
        // A document read only in part still counts for what was read in it.
        if (result.Matches.Count == 0) return;

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            var outcome = await RecordAsync(connection, transaction, source, url, result, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Report(source, outcome);
            if (outcome.Kind is OutcomeKind.Created or OutcomeKind.Grew) Operations.LeakWatchMetrics.IncidentRecorded(source, outcome.Kind == OutcomeKind.Created);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Outcome> RecordAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string source,
        string url,
        DocumentScanResult result,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var nowText = DbTime.Text(now);
        // A document read in part has no digest of the whole (""): it is never "the same bytes" as another one, and
        // gets a random key of its own (no plaintext) so that partial documents from anywhere are not taken as seen.
        var partial = result.ContentSha256.Length == 0;
        if (partial) result = result with { ContentSha256 = "partial:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) };
        var known = partial ? null : await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SelectByContent, new { Sha = result.ContentSha256 }, transaction, cancellationToken: cancellationToken));
        if (known is { } seenIncident)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                TouchContent, new { Sha = result.ContentSha256, Id = seenIncident, Now = nowText }, transaction, cancellationToken: cancellationToken));
            return new Outcome(OutcomeKind.AlreadySeen, seenIncident, 0, 0, 0, 0);
        }

        var patients = DocumentPatients(result.Matches);

        await LoadScanPatientsAsync(connection, transaction, patients, cancellationToken);
        var incidentId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SelectByUrl, new { Url = url }, transaction, cancellationToken: cancellationToken))
            ?? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                SelectSuperset, transaction: transaction, cancellationToken: cancellationToken));

        var created = incidentId is null;
        var rules = patients.SelectMany(p => RuleList.Split(p.Rules));
        var fields = result.Matches.Aggregate(MatchedFields.None, (all, m) => all | m.Fields);
        if (created)
        {
            incidentId = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertIncident, new
            {
                Source = source,
                Url = url,
                Sha = result.ContentSha256,
                result.Bytes,
                Now = nowText,
                Rules = RuleList.Join(rules),
                Fields = (long)fields,
            }, transaction, cancellationToken: cancellationToken));
        }
        var id = incidentId!.Value;

        var newPatients = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            CountNewPatients, new { Id = id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(UpsertPatients, new { Id = id }, transaction, cancellationToken: cancellationToken));
        // Pooled connections keep their temp tables: leave nothing of this document behind (a rollback clears it too).
        await connection.ExecuteAsync(new CommandDefinition(ClearScanPatients, transaction: transaction, cancellationToken: cancellationToken));

        var current = await connection.QuerySingleAsync<IncidentRow>(new CommandDefinition(
            SelectIncident, new { Id = id }, transaction, cancellationToken: cancellationToken));
        var grew = !created && newPatients > 0;
        await connection.ExecuteAsync(new CommandDefinition(UpdateIncident, new
        {
            Id = id,
            Grew = grew,
            Source = source,
            Url = url,
            Sha = result.ContentSha256,
            result.Bytes,
            Now = nowText,
            NewPatients = created || grew ? newPatients : current.LastGrowth,
            Rules = RuleList.Join(RuleList.Split(current.Rules).Concat(rules)),
            Fields = current.Fields | (long)fields,
        }, transaction, cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(InsertDocument, new
        {
            Sha = result.ContentSha256,
            Id = id,
            Source = source,
            Url = url,
            result.Bytes,
            Patients = patients.Count,
            Now = nowText,
        }, transaction, cancellationToken: cancellationToken));

        if (!created && !grew)
        {
            return new Outcome(OutcomeKind.NothingNew, id, 0, patients.Count, 0, 0);
        }
        var changed = await connection.QuerySingleAsync<IncidentRow>(new CommandDefinition(
            SelectIncident, new { Id = id }, transaction, cancellationToken: cancellationToken));
        var (alerts, digestItems) = await planner.PlanAsync(connection, transaction, changed, now, cancellationToken);
        return new Outcome(created ? OutcomeKind.Created : OutcomeKind.Grew, id, (int)newPatients, (int)changed.PatientsTotal, alerts, digestItems);
    }

    private static async Task LoadScanPatientsAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyCollection<DocumentPatient> patients, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(CreateScanPatients, transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(ClearScanPatients, transaction: transaction, cancellationToken: cancellationToken));

        // A dump can match hundreds of thousands of patients: one prepared command with rebound parameters is several
        // times faster than Dapper's per-row execution here.
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = InsertScanPatient;
        var patient = insert.Parameters.Add("@Patient", SqliteType.Blob);
        var confidence = insert.Parameters.Add("@Confidence", SqliteType.Integer);
        var rules = insert.Parameters.Add("@Rules", SqliteType.Text);
        insert.Prepare();
        foreach (var row in patients)
        {
            cancellationToken.ThrowIfCancellationRequested();
            patient.Value = row.Patient;
            confidence.Value = row.Confidence;
            rules.Value = row.Rules;
            // Synchronous on purpose: SQLite's async calls run synchronously anyway, and a Task per row costs more than the row.
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>One row per patient: the best confidence seen in the document, with its rules.</summary>
    private static List<DocumentPatient> DocumentPatients(IReadOnlyList<PatientMatch> matches)
    {
        var byPatient = new Dictionary<UInt128, PatientMatch>();
        foreach (var match in matches)
        {
            if (!byPatient.TryGetValue(match.Patient.Value, out var seen) || match.Confidence > seen.Confidence)
            {
                byPatient[match.Patient.Value] = match;
            }
        }
        // Most patients of a dump share a handful of rule lists: join each distinct list once.
        var joined = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = new List<DocumentPatient>(byPatient.Count);
        foreach (var match in byPatient.Values)
        {
            var rules = match.Rules.Count == 1 ? match.Rules[0] : string.Join('\u0001', match.Rules);
            if (!joined.TryGetValue(rules, out var column)) joined[rules] = column = RuleList.Join(match.Rules);
            rows.Add(new DocumentPatient(match.Patient.ToBytes(), (long)match.Confidence, column));
        }
        return rows;
    }

    private void Report(string source, Outcome outcome)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Created:
                Log.IncidentCreated(logger, outcome.IncidentId, source, outcome.TotalPatients, outcome.Alerts, outcome.DigestItems);
                break;
            case OutcomeKind.Grew:
                Log.IncidentGrew(logger, outcome.IncidentId, source, outcome.NewPatients, outcome.TotalPatients, outcome.Alerts, outcome.DigestItems);
                break;
            case OutcomeKind.NothingNew:
                Log.IncidentNewVersionNoNewPatients(logger, outcome.IncidentId, source, outcome.TotalPatients);
                break;
            default:
                Log.IncidentContentAlreadySeen(logger, outcome.IncidentId, source);
                break;
        }
    }

    public void Dispose() => _gate.Dispose();

    private enum OutcomeKind
    {
        AlreadySeen,
        NothingNew,
        Created,
        Grew,
    }

    private sealed record Outcome(OutcomeKind Kind, long IncidentId, int NewPatients, int TotalPatients, int Alerts, int DigestItems);

    /// <summary>A Dapper parameter row for <c>temp.scan_patients</c>.</summary>
    private sealed record DocumentPatient(byte[] Patient, long Confidence, string Rules);

    private const string SelectByContent = "SELECT incident_id FROM incident_documents WHERE content_sha256 = @Sha";

    private const string TouchContent = """
        UPDATE incident_documents SET last_seen = max(last_seen, @Now) WHERE content_sha256 = @Sha;
        UPDATE incidents SET last_seen = max(last_seen, @Now) WHERE id = @Id;
        """;

    private const string CreateScanPatients = """
        CREATE TEMP TABLE IF NOT EXISTS scan_patients (
            patient BLOB PRIMARY KEY,
            confidence INTEGER NOT NULL,
            rules TEXT NOT NULL
        ) WITHOUT ROWID
        """;

    private const string ClearScanPatients = "DELETE FROM temp.scan_patients";

    private const string InsertScanPatient = "INSERT INTO temp.scan_patients (patient, confidence, rules) VALUES (@Patient, @Confidence, @Rules)";

    // The latest incident seen at this URL: a page that grew, or a file replaced by a larger one.
    private const string SelectByUrl = "SELECT incident_id FROM incident_documents WHERE url = @Url ORDER BY incident_id DESC LIMIT 1";

    // A known incident all of whose patients are in this document: a larger version of the same dump elsewhere.
    // The largest such incident wins, so the most complete picture keeps growing.
    private const string SelectSuperset = """
        SELECT i.id
        FROM (
            SELECT ip.incident_id, COUNT(*) AS shared
            FROM temp.scan_patients s
            JOIN incident_patients ip ON ip.patient = s.patient
            GROUP BY ip.incident_id
        ) m
        JOIN incidents i ON i.id = m.incident_id
        WHERE m.shared = i.patients_total
        ORDER BY i.patients_total DESC, i.id
        LIMIT 1
        """;

    private const string InsertIncident = """
        INSERT INTO incidents (source, url, content_sha256, bytes, first_seen, last_seen, revision,
                               patients_high, patients_medium, patients_low, patients_total, last_growth, rules, fields)
        VALUES (@Source, @Url, @Sha, @Bytes, @Now, @Now, 1, 0, 0, 0, 0, 0, @Rules, @Fields)
        RETURNING id
        """;

    private const string CountNewPatients = """
        SELECT COUNT(*) FROM temp.scan_patients s
        WHERE NOT EXISTS (SELECT 1 FROM incident_patients ip WHERE ip.incident_id = @Id AND ip.patient = s.patient)
        """;

    // A patient already known keeps its row unless this document matched it with more confidence.
    private const string UpsertPatients = """
        INSERT INTO incident_patients (incident_id, patient, confidence, rules)
        SELECT @Id, patient, confidence, rules FROM temp.scan_patients WHERE true
        ON CONFLICT (incident_id, patient) DO UPDATE SET confidence = excluded.confidence, rules = excluded.rules
        WHERE excluded.confidence > incident_patients.confidence
        """;

    private const string SelectIncident = "SELECT " + IncidentRow.Columns + " FROM incidents WHERE id = @Id";

    private const string UpdateIncident = """
        UPDATE incidents SET
            source = CASE WHEN @Grew THEN @Source ELSE source END,
            url = CASE WHEN @Grew THEN @Url ELSE url END,
            content_sha256 = CASE WHEN @Grew THEN @Sha ELSE content_sha256 END,
            bytes = CASE WHEN @Grew THEN @Bytes ELSE bytes END,
            revision = revision + CASE WHEN @Grew THEN 1 ELSE 0 END,
            last_seen = max(last_seen, @Now),
            last_growth = @NewPatients,
            patients_high = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id AND confidence = 3),
            patients_medium = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id AND confidence = 2),
            patients_low = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id AND confidence = 1),
            patients_total = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id),
            rules = @Rules,
            fields = @Fields
        WHERE id = @Id
        """;

    private const string InsertDocument = """
        INSERT INTO incident_documents (content_sha256, incident_id, source, url, bytes, patients, first_seen, last_seen)
        VALUES (@Sha, @Id, @Source, @Url, @Bytes, @Patients, @Now, @Now)
        """;
}

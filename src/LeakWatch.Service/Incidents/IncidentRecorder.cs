using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Incidents;

/// <summary>
/// Turns a document's matches into an incident: a new one, the growth of a known one (same URL, or the matched
/// patients are a superset of a known incident's), or nothing at all when the same bytes were already seen. The SQL
/// here gathers the facts and writes the outcome; <see cref="IncidentMerge"/> decides. The incident change and what
/// alerting plans for it (<see cref="IIncidentChangeHandler"/>) are one transaction.
/// </summary>
internal sealed class IncidentRecorder(
    Database database,
    IIncidentChangeHandler changes,
    TimeProvider time,
    ILogger<IncidentRecorder> logger) : IIncidentRecorder, IDisposable
{
    // Writers are serialized in process (several crawl workers may call at once); busy_timeout covers other processes.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task RecordAsync(string source, string url, DocumentScanResult result, CancellationToken cancellationToken) =>
        // A document read only in part still counts for what was read in it.
        result.Matches.Count == 0 ? Task.CompletedTask : RecordAsync(IncidentKind.PatientLeak, source, url, result, cancellationToken);

    /// <summary>Records a document as evidence of an incident of <paramref name="kind"/>, even without matches.</summary>
    public async Task RecordAsync(IncidentKind kind, string source, string url, DocumentScanResult result, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
            var now = time.GetUtcNow();
            var outcome = await RecordAsync(connection, transaction, kind, source, url, result, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Report(source, outcome);
            if (outcome.Change is IncidentChange.Created or IncidentChange.Grew) Operations.LeakWatchMetrics.IncidentRecorded(source, outcome.Change == IncidentChange.Created);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Outcome> RecordAsync(
        DbConnection connection,
        DbTransaction transaction,
        IncidentKind kind,
        string source,
        string url,
        DocumentScanResult result,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var nowText = DbTime.Text(now);
        // A document read in part has no digest of the whole (""): it is never "the same bytes" as another one, and
        // gets a random key of its own (no plaintext) so that partial documents from anywhere are not taken as seen.
        var partial = result.ContentHash.Length == 0;
        var hash = partial ? "partial:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : result.ContentHash;
        var seen = partial ? null : await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SelectByContent, new { Hash = hash, Kind = kind }, transaction, cancellationToken: cancellationToken));
        if (seen is { } seenIncident)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                TouchContent, new { Hash = hash, Id = seenIncident, Now = nowText }, transaction, cancellationToken: cancellationToken));
            return new Outcome(IncidentChange.SameContent, seenIncident, 0, 0, default);
        }

        var patients = DocumentPatients(result.Matches);
        var document = new MatchedDocument(source, url, hash, result.Bytes,
            patients.Aggregate(MatchedRules.None, (all, p) => all | p.Rules),
            result.Matches.Aggregate(MatchedFields.None, (all, m) => all | m.Fields));

        await LoadScanPatientsAsync(connection, transaction, patients, cancellationToken);
        var knownId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            SelectByUrl, new { Url = url, Kind = kind }, transaction, cancellationToken: cancellationToken))
            ?? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                Dialect(SelectSuperset), new { Kind = kind }, transaction, cancellationToken: cancellationToken));
        var known = knownId is { } id ? await SelectIncidentAsync(connection, transaction, id, cancellationToken) : null;
        var newPatients = known is null ? patients.Count : await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Dialect(CountNewPatients), new { known.Id }, transaction, cancellationToken: cancellationToken));

        var decision = IncidentMerge.Decide(known is null ? null : IncidentVersion.Of(known), document, newPatients);
        var next = decision.Next;
        var values = new
        {
            Id = known?.Id ?? 0,
            Kind = kind,
            next.Source,
            next.Url,
            Hash = next.ContentHash,
            next.Bytes,
            next.Revision,
            Now = nowText,
            next.LastGrowth,
            next.Rules,
            next.Fields,
        };
        var incidentId = known?.Id ?? await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertIncident, values, transaction, cancellationToken: cancellationToken));
        if (known is not null) await connection.ExecuteAsync(new CommandDefinition(UpdateIncident, values, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Dialect(UpsertPatients), new { Id = incidentId }, transaction, cancellationToken: cancellationToken));
        // Pooled connections keep their temp tables: leave nothing of this document behind (a rollback clears it too).
        await connection.ExecuteAsync(new CommandDefinition(Dialect(ClearScanPatients), transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(CountPatients, new { Id = incidentId }, transaction, cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(InsertDocument, new
        {
            Hash = hash,
            Id = incidentId,
            Source = source,
            Url = url,
            result.Bytes,
            Patients = patients.Count,
            Now = nowText,
        }, transaction, cancellationToken: cancellationToken));

        if (!decision.IsNews)
        {
            return new Outcome(decision.Change, incidentId, 0, patients.Count, default);
        }
        var changed = await SelectIncidentAsync(connection, transaction, incidentId, cancellationToken);
        var followUp = await changes.HandleAsync(connection, transaction, changed!, now, cancellationToken);
        return new Outcome(decision.Change, incidentId, (int)newPatients, (int)changed!.PatientsTotal, followUp);
    }

    private static Task<IncidentRow?> SelectIncidentAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(SelectIncident, new { Id = id }, transaction, cancellationToken: cancellationToken));

    private async Task LoadScanPatientsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<DocumentPatient> patients, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(database.Sql(CreateScanPatients, CreateScanPatientsPostgres), transaction: transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(Dialect(ClearScanPatients), transaction: transaction, cancellationToken: cancellationToken));

        // A dump can match hundreds of thousands of patients: one prepared command with rebound parameters is several
        // times faster than Dapper's per-row execution here.
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = Dialect(InsertScanPatient);
        var patient = Parameter(insert, "Patient", System.Data.DbType.Binary);
        var confidence = Parameter(insert, "Confidence", System.Data.DbType.Int64);
        var rules = Parameter(insert, "Rules", System.Data.DbType.Int64);
        insert.Prepare();
        foreach (var row in patients)
        {
            cancellationToken.ThrowIfCancellationRequested();
            patient.Value = row.Patient;
            confidence.Value = row.Confidence;
            rules.Value = (long)row.Rules;
            // Synchronous on purpose: SQLite's async calls run synchronously anyway, and a Task per row costs more than the row.
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>SQLite names its temp schema <c>temp</c>, PostgreSQL <c>pg_temp</c>.</summary>
    private string Dialect(string sql) => database.IsPostgres ? sql.Replace("temp.scan_patients", "pg_temp.scan_patients", StringComparison.Ordinal) : sql;

    private static DbParameter Parameter(DbCommand command, string name, System.Data.DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
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
        var rows = new List<DocumentPatient>(byPatient.Count);
        foreach (var match in byPatient.Values)
        {
            rows.Add(new DocumentPatient(match.Patient.ToBytes(), (long)match.Confidence, match.Rules));
        }
        return rows;
    }

    private void Report(string source, Outcome outcome)
    {
        switch (outcome.Change)
        {
            case IncidentChange.Created:
                Log.IncidentCreated(logger, outcome.IncidentId, source, outcome.TotalPatients, outcome.FollowUp.Alerts, outcome.FollowUp.DigestItems);
                break;
            case IncidentChange.Grew:
                Log.IncidentGrew(logger, outcome.IncidentId, source, outcome.NewPatients, outcome.TotalPatients, outcome.FollowUp.Alerts, outcome.FollowUp.DigestItems);
                break;
            case IncidentChange.NothingNew:
                Log.IncidentNewVersionNoNewPatients(logger, outcome.IncidentId, source, outcome.TotalPatients);
                break;
            default:
                Log.IncidentContentAlreadySeen(logger, outcome.IncidentId, source);
                break;
        }
    }

    public void Dispose() => _gate.Dispose();

    private sealed record Outcome(IncidentChange Change, long IncidentId, int NewPatients, int TotalPatients, IncidentFollowUp FollowUp);

    /// <summary>A Dapper parameter row for <c>temp.scan_patients</c>.</summary>
    private sealed record DocumentPatient(byte[] Patient, long Confidence, MatchedRules Rules);

    private const string SelectByContent = """
        SELECT d.incident_id FROM incident_documents d JOIN incidents i ON i.id = d.incident_id
        WHERE d.content_hash = @Hash AND i.kind = @Kind
        """;

    private const string TouchContent = """
        UPDATE incident_documents SET last_seen = CASE WHEN last_seen > @Now THEN last_seen ELSE @Now END WHERE content_hash = @Hash AND incident_id = @Id;
        UPDATE incidents SET last_seen = CASE WHEN last_seen > @Now THEN last_seen ELSE @Now END WHERE id = @Id;
        """;

    private const string CreateScanPatients = """
        CREATE TEMP TABLE IF NOT EXISTS scan_patients (
            patient BLOB PRIMARY KEY,
            confidence INTEGER NOT NULL,
            rules INTEGER NOT NULL
        ) WITHOUT ROWID
        """;

    private const string CreateScanPatientsPostgres = """
        CREATE TEMP TABLE IF NOT EXISTS scan_patients (
            patient BYTEA PRIMARY KEY,
            confidence BIGINT NOT NULL,
            rules BIGINT NOT NULL
        )
        """;

    private const string ClearScanPatients = "DELETE FROM temp.scan_patients";

    private const string InsertScanPatient = "INSERT INTO temp.scan_patients (patient, confidence, rules) VALUES (@Patient, @Confidence, @Rules)";

    // The latest incident seen at this URL: a page that grew, or a file replaced by a larger one.
    private const string SelectByUrl = """
        SELECT d.incident_id FROM incident_documents d JOIN incidents i ON i.id = d.incident_id
        WHERE d.url = @Url AND i.kind = @Kind
        ORDER BY d.incident_id DESC LIMIT 1
        """;

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
        WHERE m.shared = i.patients_total AND i.kind = @Kind
        ORDER BY i.patients_total DESC, i.id
        LIMIT 1
        """;

    // Patient counts start at 0: CountPatients sets them once the patients are in.
    private const string InsertIncident = """
        INSERT INTO incidents (kind, source, url, content_hash, bytes, first_seen, last_seen, revision,
                               patients_high, patients_medium, patients_low, patients_total, last_growth, rules, fields)
        VALUES (@Kind, @Source, @Url, @Hash, @Bytes, @Now, @Now, @Revision, 0, 0, 0, 0, @LastGrowth, @Rules, @Fields)
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
            source = @Source,
            url = @Url,
            content_hash = @Hash,
            bytes = @Bytes,
            revision = @Revision,
            last_seen = CASE WHEN last_seen > @Now THEN last_seen ELSE @Now END,
            last_growth = @LastGrowth,
            rules = @Rules,
            fields = @Fields
        WHERE id = @Id
        """;

    private const string CountPatients = """
        UPDATE incidents SET
            patients_high = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id AND confidence = 3),
            patients_medium = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id AND confidence = 2),
            patients_low = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id AND confidence = 1),
            patients_total = (SELECT COUNT(*) FROM incident_patients WHERE incident_id = @Id)
        WHERE id = @Id
        """;

    private const string InsertDocument = """
        INSERT INTO incident_documents (content_hash, incident_id, source, url, bytes, patients, first_seen, last_seen)
        VALUES (@Hash, @Id, @Source, @Url, @Bytes, @Patients, @Now, @Now)
        """;
}

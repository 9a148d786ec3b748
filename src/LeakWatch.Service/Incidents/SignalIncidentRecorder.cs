using Dapper;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Incidents;

/// <summary>What a document said that is not (only) our patients: canaries, watched terms, a suspicious shape.</summary>
/// <param name="Systems">Canary: the systems named. Early warning: empty.</param>
/// <param name="Terms">Early warning: the watched terms' names.</param>
/// <param name="Count">Canary: canaries found (each at the highest confidence).</param>
internal sealed record IncidentSignal(
    IncidentKind Kind,
    IReadOnlyList<string> Systems,
    IReadOnlyList<string> Terms,
    int Count,
    MatchedRules Rules,
    MatchedFields Fields,
    long Records,
    long ValidNirs,
    long IdentityRows);

/// <summary>
/// Records the incidents that are not about patients of ours: a canary found (recorded at the highest confidence,
/// naming the system it was planted in), an early warning (a watched term in a crawled page, source and URL, whether
/// or not a patient is there too), a suspicious dump (counts only). One incident per kind and URL: the same page or
/// file seen again changes its last sighting; a new system or term makes a new revision and alerts again. The
/// incident change and its alerts are one transaction, as for patients.
/// </summary>
internal sealed class SignalIncidentRecorder(Database database, IIncidentChangeHandler changes, TimeProvider time, ILogger<SignalIncidentRecorder> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The canaries of one scanned leaf, as one canary incident.</summary>
    public Task RecordCanariesAsync(string source, string url, DocumentScanResult result, CancellationToken cancellationToken)
    {
        if (result.Canaries.Count == 0) return Task.CompletedTask;
        var signal = new IncidentSignal(
            IncidentKind.Canary,
            [.. result.Canaries.Select(c => c.System).Distinct(StringComparer.Ordinal)],
            [],
            result.Canaries.Count,
            result.Canaries.Aggregate(MatchedRules.None, (all, c) => all | c.Match.Rules),
            result.Canaries.Aggregate(MatchedFields.None, (all, c) => all | c.Match.Fields),
            result.Records, 0, 0);
        return RecordAsync(source, url, result.ContentHash, result.Bytes, signal, cancellationToken);
    }

    public Task RecordEarlyWarningAsync(string source, string url, string contentHash, long bytes, IReadOnlyList<string> terms, CancellationToken cancellationToken) =>
        terms.Count == 0
            ? Task.CompletedTask
            : RecordAsync(source, url, contentHash, bytes, new IncidentSignal(IncidentKind.EarlyWarning, [], terms, 0, MatchedRules.None, MatchedFields.None, 0, 0, 0), cancellationToken);

    public Task RecordSuspiciousDumpAsync(string source, string url, DocumentScanResult result, EarlyWarning.SuspiciousDump dump, CancellationToken cancellationToken) =>
        RecordAsync(source, url, result.ContentHash, result.Bytes,
            new IncidentSignal(IncidentKind.SuspiciousDump, [], [], 0, MatchedRules.None, MatchedFields.None, dump.Records, dump.ValidNirRecords, dump.IdentityRecords), cancellationToken);

    private async Task RecordAsync(string source, string url, string contentHash, long bytes, IncidentSignal signal, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
            var now = time.GetUtcNow();
            var (id, changed, alerts) = await RecordAsync(connection, transaction, source, url, contentHash, bytes, signal, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            var kind = IncidentKinds.Id(signal.Kind);
            if (changed) Log.SignalRecorded(logger, kind, id, source, alerts);
            else Log.SignalSeenAgain(logger, kind, id, source);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(long Id, bool Changed, int Alerts)> RecordAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string source, string url,
        string contentHash, long bytes, IncidentSignal signal, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowText = DbTime.Text(now);
        var kind = signal.Kind;
        var known = await connection.QuerySingleOrDefaultAsync<IncidentRow>(new CommandDefinition(
            SelectByKindAndUrl, new { Kind = kind, Url = url }, transaction, cancellationToken: cancellationToken));
        long id;
        bool changed;
        if (known is null)
        {
            id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertIncident, new
            {
                Kind = kind,
                Source = source,
                Url = url,
                Hash = contentHash,
                Bytes = bytes,
                Now = nowText,
                signal.Count,
                signal.Rules,
                signal.Fields,
                System = Joined(signal.Systems),
                Terms = Joined(signal.Terms),
                signal.Records,
                signal.ValidNirs,
                signal.IdentityRows,
            }, transaction, cancellationToken: cancellationToken));
            changed = true;
        }
        else
        {
            id = known.Id;
            var systems = Joined(IncidentRow.ListOf(known.System).Concat(signal.Systems));
            var terms = Joined(IncidentRow.ListOf(known.Terms).Concat(signal.Terms));
            // Grown: a system or a term it did not name, or more canaries. Counts of a suspicious dump only inform.
            var grew = systems != known.System || terms != known.Terms || signal.Count > known.PatientsTotal;
            await connection.ExecuteAsync(new CommandDefinition(UpdateIncident, new
            {
                Id = id,
                Grew = grew,
                Source = source,
                Hash = contentHash,
                Bytes = bytes,
                Now = nowText,
                Count = Math.Max(signal.Count, known.PatientsTotal),
                NewCount = Math.Max(0, signal.Count - known.PatientsTotal),
                Rules = known.Rules | signal.Rules,
                Fields = known.Fields | signal.Fields,
                System = systems,
                Terms = terms,
                Records = Math.Max(signal.Records, known.Records),
                ValidNirs = Math.Max(signal.ValidNirs, known.ValidNirs),
                IdentityRows = Math.Max(signal.IdentityRows, known.IdentityRows),
            }, transaction, cancellationToken: cancellationToken));
            changed = grew;
        }
        if (!changed) return (id, false, 0);
        var row = await connection.QuerySingleAsync<IncidentRow>(new CommandDefinition(SelectIncident, new { Id = id }, transaction, cancellationToken: cancellationToken));
        var followUp = await changes.HandleAsync(connection, transaction, row, now, cancellationToken);
        return (id, true, followUp.Alerts);
    }

    /// <summary>Systems or terms as one sorted, comma-separated column; null when none.</summary>
    private static string? Joined(IEnumerable<string> values)
    {
        var joined = string.Join(',', values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return joined.Length == 0 ? null : joined;
    }

    public void Dispose() => _gate.Dispose();

    private const string SelectIncident = "SELECT " + IncidentRow.Columns + " FROM incidents WHERE id = @Id";

    private const string SelectByKindAndUrl = "SELECT " + IncidentRow.Columns + " FROM incidents WHERE kind = @Kind AND url = @Url ORDER BY id DESC LIMIT 1";

    // A canary is recorded at the highest confidence: its count is the incident's high-confidence count.
    private const string InsertIncident = """
        INSERT INTO incidents (kind, source, url, content_hash, bytes, first_seen, last_seen, revision,
                               patients_high, patients_medium, patients_low, patients_total, last_growth, rules, fields,
                               system, terms, records, valid_nirs, identity_rows)
        VALUES (@Kind, @Source, @Url, @Hash, @Bytes, @Now, @Now, 1, @Count, 0, 0, @Count, @Count, @Rules, @Fields,
                @System, @Terms, @Records, @ValidNirs, @IdentityRows)
        RETURNING id
        """;

    private const string UpdateIncident = """
        UPDATE incidents SET
            source = @Source,
            content_hash = @Hash,
            bytes = @Bytes,
            last_seen = CASE WHEN last_seen > @Now THEN last_seen ELSE @Now END, -- PostgreSQL has no scalar max
            revision = revision + CASE WHEN @Grew THEN 1 ELSE 0 END,
            last_growth = CASE WHEN @Grew THEN @NewCount ELSE last_growth END,
            patients_high = @Count,
            patients_total = @Count,
            rules = @Rules,
            fields = @Fields,
            system = @System,
            terms = @Terms,
            records = @Records,
            valid_nirs = @ValidNirs,
            identity_rows = @IdentityRows
        WHERE id = @Id
        """;
}

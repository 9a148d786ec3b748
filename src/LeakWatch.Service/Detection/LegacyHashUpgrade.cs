using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using LeakWatch.Service.Storage;
using Microsoft.Extensions.Logging;

namespace LeakWatch.Service.Detection;

/// <summary>
/// Re-keys, in place, the bare SHA-256 content hashes and entry-name masks that versions before keyed hashing wrote
/// (migrations 0203 and 0302 marked them <c>sha256:</c> and set the <c>legacy_content_hashes</c> flag; SQL has no key).
/// <see cref="ContentHashes"/> is built so that a keyed hash follows from the bare digest: a document seen before is
/// still "seen", still belongs to its incident, and raises no alert again.
/// </summary>
/// <remarks>
/// A crawl's history can hold millions of rows: the marked values are re-keyed in batches, each a short write
/// transaction of its own, so another process (a console writing its audit log, a second node) waits for one batch at
/// most, never for the whole upgrade, and what only reads (a scan) needs no lock at all. Each batch is complete: a row
/// is either still marked or re-keyed, never both, and a marked row is re-keyed only once whoever re-keys it (two
/// processes may share the work). What carries no mark (entry names masked in URLs, thread signatures) is re-keyed in
/// the last transaction, which takes the flag: once, by whichever process gets there first. A crash midway leaves the
/// flag and the rows still marked; the next start re-keys those and finishes. Until the flag is gone nothing records
/// (<see cref="ContentHashing.GetForRecordingAsync"/>).
/// </remarks>
internal sealed class LegacyHashUpgrade(Database database, ILogger<LegacyHashUpgrade> logger)
{
    public const string Flag = "legacy_content_hashes";
    private const string Marker = "sha256:";

    private const string SelectFlag = "SELECT count(*) FROM meta WHERE name = '" + Flag + "'";
    private const string TakeFlag = "DELETE FROM meta WHERE name = '" + Flag + "'";

    // Each table's marked rows, a batch at a time, updated by their key. The crawl tables, which grow with every page
    // read, are walked once in key order from where the last batch ended (a re-keyed value sorts before the marked ones
    // and is not met again), so the whole upgrade reads each row once; the incident tables are small.
    private static readonly (string Select, string Update, string[]? Cursor)[] HashColumns =
    [
        ("SELECT source AS Source, content_hash AS Old FROM crawl_seen WHERE substr(content_hash, 1, 7) = 'sha256:' AND (source, content_hash) > (@A, @B) ORDER BY source, content_hash LIMIT @Limit",
            "UPDATE crawl_seen SET content_hash = @New WHERE source = @Source AND content_hash = @Old", ["Source", "Old"]),
        ("SELECT source AS Source, url AS Url, content_hash AS Old FROM crawl_pages WHERE substr(content_hash, 1, 7) = 'sha256:' AND (source, url) > (@A, @B) ORDER BY source, url LIMIT @Limit",
            "UPDATE crawl_pages SET content_hash = @New WHERE source = @Source AND url = @Url AND content_hash = @Old", ["Source", "Url"]),
        ("SELECT id AS Id, content_hash AS Old FROM incidents WHERE substr(content_hash, 1, 7) = 'sha256:' LIMIT @Limit",
            "UPDATE incidents SET content_hash = @New WHERE id = @Id AND content_hash = @Old", null),
        ("SELECT incident_id AS Id, content_hash AS Old FROM incident_documents WHERE substr(content_hash, 1, 7) = 'sha256:' LIMIT @Limit",
            "UPDATE incident_documents SET content_hash = @New WHERE content_hash = @Old AND incident_id = @Id", null),
    ];

    /// <summary>Rows re-keyed in one write transaction: a few milliseconds of the writer lock each.</summary>
    internal int BatchRows { get; init; } = 2000;

    /// <summary>Called after each batch has committed, outside any transaction; tests read and write from elsewhere there.</summary>
    internal Func<CancellationToken, Task>? BatchCommitted { get; set; }

    /// <returns>False when old values remain because the database could not be written (a full or read-only disk).</returns>
    public async Task<bool> RunAsync(ContentHashes hashes, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // Read first: an upgraded database is never written to here (a verb that only reads works on a full disk).
        if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectFlag, cancellationToken: cancellationToken)) == 0) return true;
        try
        {
            await RekeyAsync(connection, hashes, cancellationToken);
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (StorageFailure.CannotWrite(e))
        {
            // A full or read-only disk: the marked values match nothing meanwhile (never a bare comparison). A scan
            // still runs; what records (crawl, run) refuses until they are re-keyed (ContentHashing), and every later
            // call tries again from where this one stopped.
            Log.LegacyHashesNotRekeyed(logger, e.SqliteErrorCode);
            return false;
        }
    }

    private async Task RekeyAsync(DbConnection connection, ContentHashes hashes, CancellationToken cancellationToken)
    {
        var rekeyed = 0L;
        foreach (var (select, update, cursor) in HashColumns) rekeyed += await RekeyHashesAsync(connection, select, update, cursor, hashes, cancellationToken);
        var alerts = await RekeyPayloadsAsync(connection, hashes, cancellationToken);

        await using (var transaction = await Database.BeginWriteAsync(connection, cancellationToken))
        {
            if (await connection.ExecuteAsync(new CommandDefinition(TakeFlag, transaction: transaction, cancellationToken: cancellationToken)) == 0)
            {
                // Another process finished first, these values with it.
                await transaction.CommitAsync(cancellationToken);
                return;
            }
            var names = await RekeyUrlsAsync(connection, transaction, hashes.Names, cancellationToken);
            await ForgetThreadSignaturesAsync(connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Log.LegacyHashesRekeyed(logger, rekeyed, names, alerts);
        }
        // The pages that held the bare values stay in the write-ahead log until a checkpoint: write them back and empty it.
        if (!database.IsPostgres) await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken: cancellationToken));
    }

    /// <summary>One table's marked values, a batch a transaction; the number this call re-keyed.</summary>
    private async Task<long> RekeyHashesAsync(DbConnection connection, string select, string update, string[]? cursor, ContentHashes hashes, CancellationToken cancellationToken)
    {
        var total = 0L;
        var (a, b) = ("", "");
        while (true)
        {
            await using (var transaction = await Database.BeginWriteAsync(connection, cancellationToken))
            {
                // Read in the batch's own transaction: what another process re-keyed meanwhile is no longer marked.
                var rows = (await connection.QueryAsync(new CommandDefinition(select, new { A = a, B = b, Limit = BatchRows }, transaction, cancellationToken: cancellationToken))).ToList();
                if (rows.Count == 0)
                {
                    await transaction.CommitAsync(cancellationToken);
                    return total;
                }
                Dictionary<string, object> values = [];
                foreach (IDictionary<string, object> row in rows)
                {
                    // PostgreSQL folds unquoted aliases to lower case ("old"): name the values as the UPDATE does.
                    values = new Dictionary<string, object>(row, StringComparer.OrdinalIgnoreCase);
                    var parameters = new DynamicParameters();
                    foreach (var name in (string[])["Source", "Url", "Id", "Old"])
                    {
                        if (values.TryGetValue(name, out var value)) parameters.Add(name, value);
                    }
                    parameters.Add("New", Rekey(hashes, (string)values["Old"]));
                    total += await connection.ExecuteAsync(new CommandDefinition(update, parameters, transaction, cancellationToken: cancellationToken));
                }
                await transaction.CommitAsync(cancellationToken);
                if (cursor is not null) (a, b) = ((string)values[cursor[0]], (string)values[cursor[1]]);
            }
            if (BatchCommitted is { } committed) await committed(cancellationToken);
        }
    }

    /// <summary>The keyed hash of a marked bare digest; anything else (a "partial:" key, random) as it is.</summary>
    internal static string Rekey(ContentHashes hashes, string value) =>
        value.StartsWith(Marker, StringComparison.Ordinal) && value.Length == Marker.Length + 64
            ? hashes.OfDigest(Convert.FromHexString(value.AsSpan(Marker.Length)))
            : value;

    private const string SelectIncidentUrls = "SELECT id AS Id, url AS Url FROM incidents WHERE url LIKE '%!entry-%'";
    private const string UpdateIncidentUrl = "UPDATE incidents SET url = @Url WHERE id = @Id";
    private const string SelectDocumentUrls = "SELECT content_hash AS Hash, incident_id AS Id, url AS Url FROM incident_documents WHERE url LIKE '%!entry-%'";
    private const string UpdateDocumentUrl = "UPDATE incident_documents SET url = @Url WHERE content_hash = @Hash AND incident_id = @Id";

    /// <summary>Entry names masked by a bare hash in incidents' URLs: a later version of the same entry merges by URL.</summary>
    private static async Task<int> RekeyUrlsAsync(DbConnection connection, DbTransaction transaction, DocumentNames names, CancellationToken cancellationToken)
    {
        var incidents = (await connection.QueryAsync<(long Id, string Url)>(new CommandDefinition(SelectIncidentUrls, transaction: transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var (id, url) in incidents)
        {
            await connection.ExecuteAsync(new CommandDefinition(UpdateIncidentUrl, new { Id = id, Url = names.Rekey(url) }, transaction, cancellationToken: cancellationToken));
        }
        var documents = (await connection.QueryAsync<(string Hash, long Id, string Url)>(new CommandDefinition(SelectDocumentUrls, transaction: transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var (hash, id, url) in documents)
        {
            await connection.ExecuteAsync(new CommandDefinition(UpdateDocumentUrl, new { Hash = hash, Id = id, Url = names.Rekey(url) }, transaction, cancellationToken: cancellationToken));
        }
        return incidents.Count + documents.Count;
    }

    private const string SelectPayloads = "SELECT id AS Id, payload AS Payload FROM alert_outbox WHERE id > @After AND payload LIKE '%\"content_sha256\"%' ORDER BY id LIMIT @Limit";
    private const string UpdatePayload = "UPDATE alert_outbox SET payload = @Payload WHERE id = @Id";

    /// <summary>
    /// Alerts kept in the outbox (pending ones are sent as stored) name the incident's content hash and URL: the same
    /// keyed values, under the payload's new field name <c>content_hash</c> (the old name is the mark), a batch a transaction.
    /// </summary>
    private async Task<int> RekeyPayloadsAsync(DbConnection connection, ContentHashes hashes, CancellationToken cancellationToken)
    {
        var total = 0;
        var after = 0L;
        while (true)
        {
            await using (var transaction = await Database.BeginWriteAsync(connection, cancellationToken))
            {
                var rows = (await connection.QueryAsync<(long Id, string Payload)>(new CommandDefinition(SelectPayloads, new { After = after, Limit = BatchRows }, transaction, cancellationToken: cancellationToken))).ToList();
                if (rows.Count == 0)
                {
                    await transaction.CommitAsync(cancellationToken);
                    return total;
                }
                foreach (var (id, payload) in rows)
                {
                    var json = JsonNode.Parse(payload)!.AsObject();
                    if (json["incident"] is JsonObject incident) RekeyIncident(incident, hashes);
                    if (json["digest"]?["incidents"] is JsonArray listed)
                    {
                        foreach (var item in listed.OfType<JsonObject>()) RekeyIncident(item, hashes);
                    }
                    await connection.ExecuteAsync(new CommandDefinition(UpdatePayload, new { Id = id, Payload = json.ToJsonString() }, transaction, cancellationToken: cancellationToken));
                    after = id;
                }
                await transaction.CommitAsync(cancellationToken);
                total += rows.Count;
            }
            if (BatchCommitted is { } committed) await committed(cancellationToken);
        }
    }

    private const string SelectThreadCursors = "SELECT source AS Source, key AS Key, value AS Value FROM crawl_cursors WHERE key LIKE 'thread:%' AND value LIKE '%\"Signature\":\"%'";
    private const string UpdateCursor = "UPDATE crawl_cursors SET value = @Value WHERE source = @Source AND key = @Key";

    /// <summary>
    /// A forum thread's row signature was a bare hash of the row's text (its title among it): it cannot be re-keyed
    /// without the text, so it is forgotten, and the thread is read once more from where the crawler left it.
    /// </summary>
    private static async Task ForgetThreadSignaturesAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var cursors = (await connection.QueryAsync<(string Source, string Key, string Value)>(new CommandDefinition(SelectThreadCursors, transaction: transaction, cancellationToken: cancellationToken))).ToList();
        foreach (var (source, key, value) in cursors)
        {
            if (JsonNode.Parse(value) is not JsonObject state) continue;
            state["Signature"] = "";
            await connection.ExecuteAsync(new CommandDefinition(UpdateCursor, new { Source = source, Key = key, Value = state.ToJsonString() }, transaction, cancellationToken: cancellationToken));
        }
    }

    private static void RekeyIncident(JsonObject incident, ContentHashes hashes)
    {
        if (incident["content_sha256"]?.GetValue<string>() is { } bare)
        {
            incident.Remove("content_sha256");
            incident["content_hash"] = bare.Length == 64 ? Rekey(hashes, Marker + bare) : bare;
        }
        if (incident["url"]?.GetValue<string>() is { } url) incident["url"] = hashes.Names.Rekey(url);
    }
}

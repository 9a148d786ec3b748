using Dapper;
using LeakWatch.Core.Matching;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Storage;
using Microsoft.Data.Sqlite;

namespace LeakWatch.Service.Tests.Incidents;

/// <summary>Migration 0301 on a database written before it: rule names become ids, incidents become patient leaks.</summary>
public sealed class IncidentMigrationTests : IDisposable
{
    private const string InsertIncident = """
        INSERT INTO incidents (id, source, url, content_sha256, bytes, first_seen, last_seen, revision,
                               patients_high, patients_medium, patients_low, patients_total, last_growth, rules, fields)
        VALUES (@Id, 's', 'https://x.example/' || @Id, @Sha, 10, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', 1, 1, 0, 0, 1, 1, @Rules, 3)
        """;

    private const string InsertDocument = """
        INSERT INTO incident_documents (content_sha256, incident_id, source, url, bytes, patients, first_seen, last_seen)
        VALUES (@Sha, @Id, 's', 'https://x.example/' || @Id, 10, 1, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "leakwatch-tests", Guid.NewGuid().ToString("n"));

    [Fact]
    public async Task Migration0301_RuleNamesWrittenBefore_BecomeTheIdsMatchedRulesGivesThem()
    {
        await using var connection = await OpenBefore0301Async();
        // One incident per rule, and one with several rules, as the recorder wrote them: sorted names joined with ','.
        List<(MatchedRules Rules, string Text)> written =
        [
            .. MatchedRuleNames.All.Select(r => (r, r.Name())),
            (MatchedRules.Email | MatchedRules.Identity | MatchedRules.NirName, "email,identity,nir+name"),
            (MatchedRules.Nir | MatchedRules.NirBirthDate | MatchedRules.NirName, "nir,nir+birthdate,nir+name"),
        ];
        for (var i = 0; i < written.Count; i++)
        {
            var sha = new string('a', 63) + (char)('a' + i);
            await connection.ExecuteAsync(InsertIncident, new { Id = i + 1, Sha = sha, Rules = written[i].Text });
            await connection.ExecuteAsync(InsertDocument, new { Id = i + 1, Sha = sha });
            await connection.ExecuteAsync(
                "INSERT INTO incident_patients (incident_id, patient, confidence, rules) VALUES (@Id, randomblob(16), 3, @Rules)",
                new { Id = i + 1, Rules = written[i].Text });
        }

        await Migrator.ApplyAsync(connection, CancellationToken.None);

        var incidents = (await connection.QueryAsync<(long Id, long Rules, long Kind)>("SELECT id, rules, kind FROM incidents ORDER BY id")).ToList();
        Assert.Equal(written.Select((w, i) => (i + 1L, (long)w.Rules, (long)IncidentKind.PatientLeak)), incidents);
        var patients = await connection.QueryAsync<(long Id, long Rules)>("SELECT incident_id, rules FROM incident_patients ORDER BY incident_id");
        Assert.Equal(written.Select((w, i) => (i + 1L, (long)w.Rules)), patients);
        Assert.Equal(written.Count, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM incident_documents"));
        var row = await connection.QuerySingleAsync<IncidentRow>("SELECT " + IncidentRow.Columns + " FROM incidents WHERE id = 1");
        Assert.Equal((MatchedRules.Email, MatchedFields.Nir | MatchedFields.LastName, IncidentKind.PatientLeak), (row.Rules, row.Fields, row.Kind));
    }

    [Fact]
    public async Task Migration0301_SameContent_MayBelongToOneIncidentOfEachKind()
    {
        await using var connection = await OpenBefore0301Async();
        await Migrator.ApplyAsync(connection, CancellationToken.None);
        var sha = new string('b', 64);
        // Migration 0302 renamed the column (content hashes are keyed).
        var insertIncident = InsertIncident.Replace("content_sha256", "content_hash", StringComparison.Ordinal);
        var insertDocument = InsertDocument.Replace("content_sha256", "content_hash", StringComparison.Ordinal);
        await connection.ExecuteAsync(insertIncident, new { Id = 1, Sha = sha, Rules = (long)MatchedRules.NirName });
        await connection.ExecuteAsync(insertIncident, new { Id = 2, Sha = sha, Rules = 0L });

        await connection.ExecuteAsync(insertDocument, new { Id = 1, Sha = sha });
        await connection.ExecuteAsync(insertDocument, new { Id = 2, Sha = sha });

        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM incident_documents WHERE content_hash = @Sha", new { Sha = sha }));
        await Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync(insertDocument, new { Id = 1, Sha = sha }));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A database file with the migrations before 0301 applied, the way <see cref="Migrator"/> records them.</summary>
    private async Task<SqliteConnection> OpenBefore0301Async()
    {
        Directory.CreateDirectory(_folder);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "leakwatch.db"), Pooling = false }.ToString());
        await connection.OpenAsync();
        await connection.ExecuteAsync("PRAGMA foreign_keys=ON; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);");
        foreach (var (version, name, sql) in Migrator.All.Where(m => m.Version < 301))
        {
            await connection.ExecuteAsync(sql);
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, '2025-01-01T00:00:00.000Z')", new { version, name });
        }
        return connection;
    }
}

using System.Globalization;
using Dapper;
using System.Data.Common;

namespace LeakWatch.Service.Storage;

/// <summary>
/// Versioned schema migrations: embedded files <c>Storage/Migrations/NNNN_name.sql</c>, applied once each, in order,
/// each in its own transaction. Features own number ranges so they never collide: 0001-0099 storage and enrollment,
/// 0100-0199 detection, 0200-0299 crawling, 0300-0399 alerting, 0400-0499 review (console, users, audit),
/// 0500-0599 operations (job store, retention), 0600-0699 early warning. Each provider has its own folder with the same
/// numbers: <c>Migrations/</c> for SQLite, <c>Migrations/Postgres/</c> for PostgreSQL; a migration is written for both.
/// </summary>
internal static class Migrator
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        """;

    private const string SqlitePrefix = "LeakWatch.Service.Storage.Migrations.";
    private const string PostgresPrefix = "LeakWatch.Service.Storage.Migrations.Postgres.";

    public static IReadOnlyList<(int Version, string Name, string Sql)> All { get; } = Load(SqlitePrefix);

    public static IReadOnlyList<(int Version, string Name, string Sql)> Postgres { get; } = Load(PostgresPrefix);

    public static IReadOnlyList<(int Version, string Name, string Sql)> For(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? Postgres : All;

    /// <summary>SQLite's migrations (the default provider).</summary>
    public static Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ApplyAsync(connection, DatabaseProvider.Sqlite, cancellationToken);

    public static Task ApplyAsync(DbConnection connection, DatabaseProvider provider, CancellationToken cancellationToken) =>
        ApplyAsync(connection, provider, afterListRead: null, cancellationToken);

    /// <param name="afterListRead">Tests: runs once the applied versions are read, before anything is applied.</param>
    internal static async Task ApplyAsync(DbConnection connection, DatabaseProvider provider, Func<Task>? afterListRead, CancellationToken cancellationToken)
    {
        var postgres = provider == DatabaseProvider.Postgres;
        // Up to date, nothing is written: a database on a full or read-only disk still opens for reading.
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            postgres
                ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", cancellationToken: cancellationToken));
        if (exists == 0) await connection.ExecuteAsync(new CommandDefinition(CreateTable, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_migrations")).ToHashSet();
        if (afterListRead is not null) await afterListRead();
        foreach (var (version, name, sql) in For(provider))
        {
            if (applied.Contains(version)) continue;
            await using var tx = await Database.BeginWriteAsync(connection, cancellationToken);
            // Two processes starting together both saw it missing: the one that got the write lock second finds it done.
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM schema_migrations WHERE version = @version", new { version }, tx, cancellationToken: cancellationToken));
            if (done > 0)
            {
                await tx.CommitAsync(cancellationToken);
                continue;
            }
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: tx, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                postgres
                    ? "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))"
                    : "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                new { version, name },
                tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
    }

    private static List<(int, string, string)> Load(string prefix)
    {
        var assembly = typeof(Migrator).Assembly;
        var list = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
            var fileName = resource[prefix.Length..^4];
            if (fileName.Contains('.', StringComparison.Ordinal)) continue; // another provider's folder
            // Embedded names of files starting with a digit get a leading underscore.
            var trimmed = fileName.TrimStart('_');
            var version = int.Parse(trimmed.AsSpan(0, 4), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add((version, trimmed, reader.ReadToEnd()));
        }
        var duplicates = list.GroupBy(m => m.Item1).FirstOrDefault(g => g.Count() > 1);
        if (duplicates is not null) throw new InvalidOperationException($"Two migrations share version {duplicates.Key}.");
        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return list;
    }
}

using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Dapper;
using LeakWatch.Service.Audit;
using LeakWatch.Service.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LeakWatch.Service.Storage;

/// <summary>
/// <c>leakwatch migrate --to postgres</c>: copies the data folder's SQLite database (enrollments with their fingerprints,
/// incidents, crawl state, the audit log, the alert outbox, the console's accounts) into an empty PostgreSQL database
/// (LeakWatch:Database:ConnectionString or ConnectionStringFile), then checks that every table holds as many rows on both
/// sides and that the audit chain still verifies. A database that is not empty is refused: the copy never merges.
/// The schedule (Quartz's tables) is not copied: each node registers it again at start.
/// </summary>
internal static class MigrateVerb
{
    // Parents before children (foreign keys); tables a later migration adds come after these, by name.
    private static readonly string[] Order =
    [
        "meta", "enrollments", "enrollment_chunks", "crawl_pages", "crawl_seen", "crawl_cursors", "source_health",
        "incidents", "incident_documents", "incident_patients", "alert_outbox", "alert_digest_items",
        "console_users", "console_sessions", "console_settings", "review_cases", "review_comments", "audit_log",
        "canary_sets", "canary_fingerprints", "canary_members",
    ];

    // Rebuilt by the target itself: its migrations, the schedule, and the live node list.
    private static bool Skipped(string table) =>
        table is "schema_migrations" or "cluster_nodes" || table.StartsWith("qrtz_", StringComparison.OrdinalIgnoreCase);

    public static Command Create(VerbHost verbHost)
    {
        var to = new Option<string>("--to") { Description = "The provider to copy to: postgres.", Required = true };
        var command = new Command("migrate", "Copy this data folder's SQLite database into an empty PostgreSQL database (LeakWatch:Database:ConnectionStringFile), then verify the copy.")
        {
            to,
        };
        verbHost.SetAction(command, (parse, services, console, ct) => RunAsync(parse.GetValue(to)!, services, console, ct));
        return command;
    }

    private static async Task<int> RunAsync(string to, IServiceProvider services, VerbConsole console, CancellationToken cancellationToken)
    {
        if (!string.Equals(to, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new LeakWatchException($"migrate --to '{to}': the only target is postgres.");
        }
        var settings = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var source = services.GetRequiredService<Database>();
        if (source.IsPostgres)
        {
            throw new LeakWatchException("LeakWatch:Database:Provider is already postgres: migrate copies the data folder's SQLite database, so run it with the provider still sqlite (e.g. --LeakWatch:Database:Provider=sqlite), then switch.");
        }
        if (!File.Exists(source.Path))
        {
            throw new LeakWatchException($"there is no SQLite database to copy at {source.Path} (LeakWatch:DataDirectory).");
        }
        if (string.IsNullOrWhiteSpace(settings.ConnectionStringFile) && string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new LeakWatchException("set LeakWatch:Database:ConnectionStringFile (a file holding the PostgreSQL connection string) or LeakWatch:Database:ConnectionString: it names the database to copy into.");
        }
        var targetSettings = new DatabaseOptions
        {
            Provider = "postgres",
            ConnectionString = settings.ConnectionString,
            ConnectionStringFile = settings.ConnectionStringFile,
        };
        // The start-up check passed these settings over (the provider is still sqlite): check them as a postgres node
        // would, so a connection string that does not parse is named, never echoed with its password.
        var check = new DatabaseOptionsValidator().Validate(null, targetSettings);
        if (check.Failed) throw new LeakWatchException(check.FailureMessage);
        var options = services.GetRequiredService<IOptions<StorageOptions>>();
        using var target = new Database(options, Options.Create(targetSettings));

        // The source chain must hold before anything is copied: a broken chain is the SQLite database's own problem.
        var audit = services.GetRequiredService<AuditLog>();
        var before = await audit.VerifyAsync(cancellationToken);
        if (before.BrokenId is not null)
        {
            throw new LeakWatchException($"the SQLite audit log is broken at entry {before.BrokenId} ({before.Reason}); nothing was copied. Run `leakwatch audit verify` and restore the database from a backup.");
        }

        await using (var probe = await target.OpenUnmigratedAsync(cancellationToken))
        {
            var tables = await probe.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", cancellationToken: cancellationToken));
            if (tables > 0)
            {
                throw new LeakWatchException($"{target.Description} is not empty ({tables} tables): migrate copies into an empty database only, never merges. Create a new database (CREATE DATABASE ...) and point the connection string at it.");
            }
        }
        await target.MigrateAsync();

        await using var from = await source.OpenAsync(cancellationToken);
        await using var into = (NpgsqlConnection)await target.OpenAsync(cancellationToken);
        await using var read = await Database.BeginReadAsync(from, cancellationToken);
        var sourceTables = (await from.QueryAsync<string>(new CommandDefinition(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", transaction: read, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var targetColumns = (await into.QueryAsync<(string Table, string Column, string Type)>(new CommandDefinition(
                "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
                cancellationToken: cancellationToken)))
            .GroupBy(c => c.Table, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var tablesToCopy = Order.Where(sourceTables.Contains)
            .Concat(sourceTables.Where(t => !Order.Contains(t) && !Skipped(t)).Order(StringComparer.Ordinal))
            .Where(t => !Skipped(t))
            .ToList();
        var missing = tablesToCopy.Where(t => !targetColumns.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw new LeakWatchException($"the PostgreSQL schema has no table {string.Join(", ", missing)}: this LeakWatch's migrations for PostgreSQL lag behind its SQLite ones.");
        }

        var copied = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var write = await into.BeginTransactionAsync(cancellationToken))
        {
            // The target's own first rows (its random alerting instance id) give way to the source's: the idempotency
            // keys of alerts already sent must stay the same.
            await into.ExecuteAsync(new CommandDefinition("DELETE FROM meta", transaction: write, cancellationToken: cancellationToken));
            foreach (var table in tablesToCopy)
            {
                copied[table] = await CopyTableAsync(from, read, into, table, targetColumns[table], cancellationToken);
            }
            foreach (var table in tablesToCopy.Where(t => targetColumns[t].Any(c => c.Column == "id")))
            {
                await into.ExecuteAsync(new CommandDefinition(
                    $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 0) + 1, false) WHERE pg_get_serial_sequence('{table}', 'id') IS NOT NULL",
                    transaction: write, cancellationToken: cancellationToken));
            }
            await write.CommitAsync(cancellationToken);
        }

        var mismatches = new List<string>();
        await console.Out.WriteLineAsync("table\tsqlite\tpostgres");
        foreach (var table in tablesToCopy)
        {
            var expected = await from.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {table}", transaction: read, cancellationToken: cancellationToken));
            var actual = await into.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT count(*) FROM {table}", cancellationToken: cancellationToken));
            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{table}\t{expected}\t{actual}"));
            if (expected != actual || copied[table] != expected) mismatches.Add(table);
        }

        var after = await new AuditLog(target, services.GetRequiredService<ConsoleSubKeys>(), services.GetRequiredService<TimeProvider>()).VerifyAsync(cancellationToken);
        if (mismatches.Count > 0 || after.BrokenId is not null || after.Entries != before.Entries)
        {
            await console.Error.WriteLineAsync("leakwatch: the copy did not verify: " +
                (mismatches.Count > 0 ? "row counts differ for " + string.Join(", ", mismatches) + ". " : "") +
                (after.BrokenId is not null ? $"the audit chain is broken at entry {after.BrokenId} ({after.Reason}). " : "") +
                (after.Entries != before.Entries ? $"the audit log holds {after.Entries} entries, not {before.Entries}. " : "") +
                "Do not switch to PostgreSQL; drop that database and run migrate again.");
            return ExitCodes.Found;
        }
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Copied {copied.Values.Sum()} rows of {tablesToCopy.Count} tables into {target.Description}; every count matches and the audit chain holds ({after.Entries} entries)."));
        await console.Out.WriteLineAsync("Next: set LeakWatch:Database:Provider=postgres on every node (see the README's cluster section), then start them.");
        return ExitCodes.Success;
    }

    /// <summary>One table through PostgreSQL's binary COPY: the fingerprints' BLOBs and hundreds of thousands of rows go fast.</summary>
    private static async Task<long> CopyTableAsync(DbConnection from, DbTransaction read, NpgsqlConnection into, string table,
        List<(string Table, string Column, string Type)> columns, CancellationToken cancellationToken)
    {
        var sourceColumns = (await from.QueryAsync<string>(new CommandDefinition(
            $"SELECT name FROM pragma_table_info('{table}')", transaction: read, cancellationToken: cancellationToken))).ToHashSet(StringComparer.Ordinal);
        var shared = columns.Where(c => sourceColumns.Contains(c.Column)).ToList();
        var list = string.Join(", ", shared.Select(c => c.Column));
        await using var select = from.CreateCommand();
        select.Transaction = read;
        select.CommandText = $"SELECT {list} FROM {table}";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        await using var writer = await into.BeginBinaryImportAsync($"COPY {table} ({list}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await writer.StartRowAsync(cancellationToken);
            for (var i = 0; i < shared.Count; i++)
            {
                if (await reader.IsDBNullAsync(i, cancellationToken))
                {
                    await writer.WriteNullAsync(cancellationToken);
                    continue;
                }
                var value = reader.GetValue(i);
                switch (shared[i].Type)
                {
                    case "bigint":
                        await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken);
                        break;
                    case "integer":
                        await writer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, cancellationToken);
                        break;
                    case "bytea":
                        await writer.WriteAsync((byte[])value, NpgsqlDbType.Bytea, cancellationToken);
                        break;
                    case "boolean":
                        await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean, cancellationToken);
                        break;
                    default:
                        await writer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, cancellationToken);
                        break;
                }
            }
            rows++;
        }
        await writer.CompleteAsync(cancellationToken);
        return rows;
    }
}

using System.Text;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.Enrollment;

/// <summary>
/// An export that would shrink the watched base is refused, loudly, and the active enrollment stays; every case runs
/// the built executable and checks the exit code, the message, the database afterwards and that no value of the
/// export reached standard output, standard error or the data folder.
/// </summary>
public sealed class EnrollRefusalTests : IDisposable
{
    private const int Count = 1000;
    private readonly ExecutableHarness _cli = new();
    private readonly SyntheticPatient[] _patients = SyntheticPopulation.GenerateArray(Count, seed: 8008);
    private readonly PlaintextScanner _values;

    public EnrollRefusalTests() => _values = new PlaintextScanner(PlaintextScanner.ValuesOf(_patients));

    [Fact]
    public async Task Enroll_QuoteLeftOpenInRow11_SkipsThatLineOnlyRefusesAndKeepsTheActiveEnrollment()
    {
        var good = await EnrollGoodAsync();
        var lines = File.ReadAllText(good, LabExportWriter.Windows1252).Split("\r\n");
        var row = Enumerable.Range(11, 50).First(i => !lines[i].Contains('"', StringComparison.Ordinal)); // row 11 if it has no quote
        var cells = lines[row].Split(';');
        cells[10] = "\"" + cells[10]; // ADRESSE, quote opened and never closed
        lines[row] = string.Join(';', cells);
        var broken = Path.Combine(_cli.Root, "broken.csv");
        await File.WriteAllTextAsync(broken, string.Join("\r\n", lines), LabExportWriter.Windows1252);

        var refused = await _cli.RunAsync("enroll", broken);

        Assert.True(refused.ExitCode == ExitCodes.BadConfiguration, refused.ToString());
        Assert.Contains($"unbalanced-quote: 1 (line {row + 1})", refused.Out, StringComparison.Ordinal);
        Assert.Contains($"rows skipped: 1 of {Count:N0}", refused.Out, StringComparison.Ordinal);
        Assert.Contains("Enrollment refused: 1 rows of the export could not be read", refused.Error, StringComparison.Ordinal);
        Assert.Contains($"The active enrollment ({Count:N0} patients) is unchanged", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        var active = await ActiveAsync();
        Assert.Equal(("export.csv", Count), (active!.FileName, active.Patients));

        var forced = await _cli.RunAsync("enroll", broken, "--force");

        Assert.True(forced.ExitCode == ExitCodes.Partial, forced.ToString());
        Assert.Contains($"Enrolled {Count - 1:N0} patients from {Count:N0} rows", forced.Out, StringComparison.Ordinal);
        Assert.Equal(("broken.csv", Count - 1), ((await ActiveAsync())!.FileName, (await ActiveAsync())!.Patients));

        // scan reads the same file into the same rows: every enrolled patient is found in it, none swallowed.
        var scan = await _cli.RunAsync("scan", "--json", broken);
        Assert.True(scan.ExitCode == ExitCodes.Found, scan.ToString());
        var found = scan.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("patient").GetString()).ToHashSet();
        Assert.Equal(Count - 1, found.Count);
        AssertNoValue(refused, forced);
    }

    [Fact]
    public async Task Enroll_OneRowOf70000Characters_CountedAsRowTooLongAndRefused()
    {
        var good = await EnrollGoodAsync();
        var lines = File.ReadAllText(good, LabExportWriter.Windows1252).Split("\r\n");
        const int row = 11;
        var cells = lines[row].Split(';');
        cells[10] = new string('A', 70_000); // ADRESSE: the row is longer than any row may be
        lines[row] = string.Join(';', cells);
        var broken = Path.Combine(_cli.Root, "long.csv");
        await File.WriteAllTextAsync(broken, string.Join("\r\n", lines), LabExportWriter.Windows1252);

        var refused = await _cli.RunAsync("enroll", broken);

        Assert.True(refused.ExitCode == ExitCodes.BadConfiguration, refused.ToString());
        Assert.Contains($"row-too-long: 1 (line {row + 1})", refused.Out, StringComparison.Ordinal);
        Assert.Contains($"rows skipped: 1 of {Count:N0}", refused.Out, StringComparison.Ordinal);
        Assert.Contains("Enrollment refused: 1 rows of the export could not be read", refused.Error, StringComparison.Ordinal);
        Assert.Equal(("export.csv", Count), ((await ActiveAsync())!.FileName, (await ActiveAsync())!.Patients));
        AssertNoValue(refused);
    }

    [Fact]
    public async Task Enroll_HeaderOnly_RefusedAndTheActiveEnrollmentStays()
    {
        await EnrollGoodAsync();
        var empty = Path.Combine(_cli.Root, "empty.csv");
        await File.WriteAllTextAsync(empty, LabExportWriter.Header + "\r\n");

        var result = await _cli.RunAsync("enroll", empty);

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Contains("the export holds no patient (0 rows read, 0 skipped)", result.Error, StringComparison.Ordinal);
        Assert.Contains("--force", result.Error, StringComparison.Ordinal);
        Assert.Equal(Count, (await ActiveAsync())!.Patients);
        AssertNoValue(result);
    }

    [Fact]
    public async Task Enroll_FarFewerPatientsThanActive_RefusedUnlessForcedOrConfigured()
    {
        await EnrollGoodAsync();
        var smaller = ExportFiles.Write(_cli.Root, _patients.Take(800), name: "smaller.csv");

        var refused = await _cli.RunAsync("enroll", smaller);
        Assert.True(refused.ExitCode == ExitCodes.BadConfiguration, refused.ToString());
        Assert.Contains("the export holds 800 patients, fewer than 90 % of the 1,000 enrolled now", refused.Error, StringComparison.Ordinal);
        Assert.Equal(("export.csv", Count), ((await ActiveAsync())!.FileName, (await ActiveAsync())!.Patients));

        _cli.Environment["LeakWatch__Enrollment__MinimumShareOfActive"] = "0.5";
        var configured = await _cli.RunAsync("enroll", smaller);
        Assert.True(configured.ExitCode == ExitCodes.Success, configured.ToString());
        Assert.Equal(800, (await ActiveAsync())!.Patients);

        _cli.Environment.Clear();
        var tiny = ExportFiles.Write(_cli.Root, _patients.Take(10), name: "tiny.csv");
        var forced = await _cli.RunAsync("enroll", tiny, "--force");
        Assert.True(forced.ExitCode == ExitCodes.Success, forced.ToString());
        Assert.Equal(10, (await ActiveAsync())!.Patients);
        AssertNoValue(refused, configured, forced);
    }

    [Fact]
    public async Task Enroll_MoreThanOnePercentOfRowsSkipped_RefusedWithTheCounts()
    {
        await EnrollGoodAsync();
        var withoutIds = _patients.Select((p, i) => i % 40 == 0 ? p with { Ipp = "" } : p); // 25 of 1,000: 2.5 %
        var export = ExportFiles.Write(_cli.Root, withoutIds, name: "noids.csv");

        var result = await _cli.RunAsync("enroll", export);

        Assert.True(result.ExitCode == ExitCodes.BadConfiguration, result.ToString());
        Assert.Contains("no-identifier: 25", result.Out, StringComparison.Ordinal);
        Assert.Contains("25 of the export's 1,000 rows were skipped (2.5 %), more than 1.0 %", result.Error, StringComparison.Ordinal);
        Assert.Equal("export.csv", (await ActiveAsync())!.FileName);
        AssertNoValue(result);
    }

    [Fact]
    public async Task Enroll_DuplicateIdentifiers_OnePatientEachCountedInTheSummary()
    {
        var repeated = _patients.Concat(_patients.Take(7).Select(p => p with { Phone = "06 11 22 33 44" }));
        var export = ExportFiles.Write(_cli.Root, repeated, name: "dups.csv");

        var result = await _cli.RunAsync("enroll", export);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains($"Enrolled {Count:N0} patients from {Count + 7:N0} rows", result.Out, StringComparison.Ordinal);
        Assert.Contains("duplicate identifiers: 7 rows", result.Out, StringComparison.Ordinal);
        var snapshot = await Store().LoadActiveAsync(CancellationToken.None);
        Assert.Equal(Count, snapshot!.Patients.Length);
        AssertNoValue(result);
    }

    [Fact]
    public async Task Enroll_Utf8WithAFewInvalidBytes_ReadAsUtf8AndReportedByLine()
    {
        var path = ExportFiles.Write(_cli.Root, _patients, new UTF8Encoding(false), name: "utf8.csv");
        var bytes = File.ReadAllBytes(path).ToList();
        var lineStarts = bytes.Select((b, i) => (b, i)).Where(x => x.b == (byte)'\n').Select(x => x.i + 1).ToList();
        foreach (var line in new[] { 200, 50, 5 }) bytes.Insert(lineStarts[line - 1] - 2, 0xFF); // in the city, last cell of lines 5, 50, 200
        await File.WriteAllBytesAsync(path, bytes.ToArray());

        var result = await _cli.RunAsync("enroll", path);

        Assert.True(result.ExitCode == ExitCodes.Partial, result.ToString());
        Assert.Contains("(utf-8, delimiter ';')", result.Out, StringComparison.Ordinal);
        Assert.Contains("invalid bytes: 3 byte sequences that are not UTF-8, read as U+FFFD (lines 5, 50, 200)", result.Out, StringComparison.Ordinal);
        Assert.Equal(Count, (await ActiveAsync())!.Patients);

        // The accented names were read as UTF-8: the clean UTF-8 export matches every patient on identity too.
        var clean = ExportFiles.Write(_cli.Root, _patients.Select(p => p with { Nir = "", Phone = "", Email = "" }), new UTF8Encoding(false), name: "clean.csv");
        var scan = await _cli.RunAsync("scan", "--json", clean);
        var found = scan.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.True(found >= Count * 98 / 100, $"{found} of {Count} found\n{scan}");
        AssertNoValue(result);
    }

    [Fact]
    public async Task Open_LeftoversOfADeadEnrollment_RemovedByTheNextVerbAndTheFileShrinks()
    {
        await EnrollGoodAsync();
        var before = _cli.DataFolderBytes();
        await PlantLeftoversAsync(megabytes: 6);
        Assert.True(_cli.DataFolderBytes() > before + (5 << 20));

        var keyId = await _cli.RunAsync("key", "id");

        Assert.True(keyId.ExitCode == ExitCodes.Success, keyId.ToString());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM enrollments WHERE state = 'building'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM enrollment_chunks WHERE enrollment_id NOT IN (SELECT id FROM enrollments)"));
        Assert.True(_cli.DataFolderBytes() < before + (256 << 10), $"{_cli.DataFolderBytes()} bytes after, {before} before");
        Assert.Equal(Count, (await ActiveAsync())!.Patients);
    }

    [Fact]
    public async Task Enroll_KilledMidway_NextVerbRemovesWhatItWroteAndTheFileReturnsToItsSize()
    {
        await EnrollGoodAsync();
        var sizeBefore = _cli.DataFolderBytes();
        var large = ExportFiles.Write(_cli.Root, SyntheticPopulation.Generate(400_000, seed: 9), name: "large.csv");

        for (var kill = 0; kill < 3; kill++)
        {
            using var enrolling = _cli.Start("enroll", large);
            // Killed once the new enrollment has written its first chunks (the WAL holds them until a checkpoint).
            await WaitForGrowthAsync(_cli.DatabasePath + "-wal", 1 << 20, enrolling);
            enrolling.Kill(entireProcessTree: true);
            await enrolling.WaitForExitAsync();
        }
        Assert.True(_cli.DataFolderBytes() > sizeBefore + (1 << 20), "the kills left nothing behind to clean");

        var keyId = await _cli.RunAsync("key", "id");

        Assert.True(keyId.ExitCode == ExitCodes.Success, keyId.ToString());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM enrollments WHERE state = 'building'"));
        Assert.True(_cli.DataFolderBytes() < sizeBefore + (256 << 10), $"{_cli.DataFolderBytes()} bytes after, {sizeBefore} before");
        Assert.Equal(("export.csv", Count), ((await ActiveAsync())!.FileName, (await ActiveAsync())!.Patients));
    }

    /// <summary>Waits, on file-system events, until <paramref name="path"/> is larger than <paramref name="bytes"/>.</summary>
    private static async Task WaitForGrowthAsync(string path, long bytes, System.Diagnostics.Process process)
    {
        var grown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!) { NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite | NotifyFilters.FileName };
        void Check()
        {
            if (File.Exists(path) && new FileInfo(path).Length > bytes) grown.TrySetResult();
        }
        watcher.Changed += (_, _) => Check();
        watcher.Created += (_, _) => Check();
        watcher.EnableRaisingEvents = true;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => grown.TrySetException(new InvalidOperationException("enroll ended before it could be killed"));
        Check();
        await grown.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Open_EnrollmentStillRunning_ItsRowsAreNotTakenForLeftovers()
    {
        await EnrollGoodAsync();
        await PlantLeftoversAsync(megabytes: 1);
        var database = new Database(Options.Create(new StorageOptions { DataDirectory = _cli.DataDirectory }));

        using (database.LockEnrollment())
        {
            var keyId = await _cli.RunAsync("key", "id");
            Assert.True(keyId.ExitCode == ExitCodes.Success, keyId.ToString());
            Assert.Equal(1, await CountAsync("SELECT count(*) FROM enrollments WHERE state = 'building'"));

            var second = await _cli.RunAsync("enroll", Path.Combine(_cli.Root, "export.csv"));
            Assert.True(second.ExitCode == ExitCodes.BadConfiguration, second.ToString());
            Assert.Contains("Another enrollment or canary creation is running", second.Error, StringComparison.Ordinal);
        }
    }

    private async Task<string> EnrollGoodAsync()
    {
        var path = ExportFiles.Write(_cli.Root, _patients);
        var result = await _cli.RunAsync("enroll", path);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        return path;
    }

    /// <summary>What a killed enrollment leaves: a 'building' row and its chunks, with no process behind them.</summary>
    private async Task PlantLeftoversAsync(int megabytes)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _cli.DatabasePath + ";Pooling=False");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO enrollments (id, state, started_at, file_name) VALUES (999, 'building', '2026-01-01T00:00:00.000Z', 'killed.csv');
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $chunks)
            INSERT INTO enrollment_chunks (enrollment_id, part, seq, count, data) SELECT 999, 1, i, 4096, randomblob(65536) FROM n;
            PRAGMA wal_checkpoint(TRUNCATE);
            """;
        command.Parameters.AddWithValue("$chunks", megabytes * 16);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + _cli.DatabasePath + ";Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private FingerprintStore Store() =>
        new(new Database(Options.Create(new StorageOptions { DataDirectory = _cli.DataDirectory })), TimeProvider.System);

    private Task<EnrollmentInfo?> ActiveAsync() => Store().GetActiveEnrollmentAsync(CancellationToken.None);

    private void AssertNoValue(params CliResult[] results)
    {
        foreach (var result in results) Assert.Empty(_cli.FindValues(_values, result));
    }

    public void Dispose() => _cli.Dispose();
}

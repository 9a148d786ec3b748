using System.Text;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Tests.Enrollment;

public sealed class EnrollVerbTests : IDisposable
{
    private readonly CliHarness _cli = new();

    [Fact]
    public async Task Enroll_50000RowLabExportInWindows1252_EnrollsEveryPatientWithoutMapAndLeaksNoValue()
    {
        var patients = SyntheticPopulation.GenerateArray(50_000, seed: 2021);
        var export = ExportFiles.Write(_cli.Root, patients, LabExportWriter.Windows1252, name: "patients.csv");

        var result = await _cli.RunAsync("enroll", export);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Reading patients.csv (windows-1252, delimiter ';')", result.Out, StringComparison.Ordinal);
        Assert.Contains("id           <- IPP", result.Out, StringComparison.Ordinal);
        Assert.Contains("birth-name   <- NOM_NAISSANCE", result.Out, StringComparison.Ordinal);
        Assert.Contains("usage-name   <- NOM_USAGE", result.Out, StringComparison.Ordinal);
        Assert.Contains("first-names  <- PRENOMS", result.Out, StringComparison.Ordinal);
        Assert.Contains("birth-date   <- DATE_NAISSANCE", result.Out, StringComparison.Ordinal);
        Assert.Contains("nir          <- NIR", result.Out, StringComparison.Ordinal);
        Assert.Contains("phone        <- TELEPHONE", result.Out, StringComparison.Ordinal);
        Assert.Contains("email        <- EMAIL", result.Out, StringComparison.Ordinal);
        Assert.Contains("Enrolled 50,000 patients from 50,000 rows", result.Out, StringComparison.Ordinal);
        Assert.Contains("rows skipped: 0", result.Out, StringComparison.Ordinal);

        var store = new FingerprintStore(new Database(Options.Create(new StorageOptions { DataDirectory = _cli.DataDirectory })), TimeProvider.System);
        var snapshot = await store.LoadActiveAsync(CancellationToken.None);
        Assert.NotNull(snapshot);
        Assert.Equal(50_000, snapshot.Patients.Length);
        Assert.True(snapshot.LinkedKeys.Length > 50_000 * 5, $"{snapshot.LinkedKeys.Length} linked fingerprints");

        // Not one value of the export, in any encoding or written form, in any file of the data folder, the output or the logs.
        var scanner = new PlaintextScanner(PlaintextScanner.ValuesOf(patients));
        // This process's pooled connections close on a timer, and SQLite removes the WAL with the last one: close
        // them now, so no file vanishes between listing and reading.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(_cli.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("leakwatch.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var found = scanner.Find(await File.ReadAllBytesAsync(file));
            Assert.True(found.Count == 0, $"{Path.GetFileName(file)} holds {found.Count} patient values, e.g. {string.Join(", ", found.Take(5))}");
        }
        Assert.Empty(scanner.Find(result.Out));
        Assert.Empty(scanner.Find(result.Error));
        Assert.Empty(scanner.Find(result.AllLogText));

        // The scanner itself finds what is there: a slice of the export holds values (the whole would take long:
        // thousands of identifiers share their first bytes).
        var slice = (await File.ReadAllBytesAsync(export))[..4000];
        Assert.True(scanner.Find(slice).Count > 100);
    }

    [Fact]
    public async Task Enroll_ExportWithoutHeader_IsRefusedWithoutEchoingItsFirstRow()
    {
        var patient = SyntheticPopulation.Create(3, seed: 8);
        var export = Path.Combine(_cli.Root, "no-header.csv");
        await File.WriteAllTextAsync(export, $"{patient.Ipp};{patient.BirthName};{patient.FirstNames};{patient.Nir}\n", Encoding.UTF8);

        var result = await _cli.RunAsync("enroll", export);
        var mapped = await _cli.RunAsync("enroll", export, "--map", "nir=NIR");

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains("4 columns, none with a known name", result.Error, StringComparison.Ordinal);
        Assert.NotEqual(ExitCodes.Success, mapped.ExitCode);
        foreach (var value in new[] { patient.Ipp, patient.BirthName, patient.Nir })
        {
            Assert.DoesNotContain(value, result.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(value, mapped.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Enroll_Utf8WithAndWithoutBom_DetectsUtf8AndReadsAccentsAlike()
    {
        var patients = SyntheticPopulation.GenerateArray(300, seed: 5);
        var withBom = ExportFiles.Write(_cli.Root, patients, new UTF8Encoding(false), name: "bom.csv", bom: true);
        var withoutBom = ExportFiles.Write(_cli.Root, patients, new UTF8Encoding(false), name: "plain.csv");
        var latin = ExportFiles.Write(_cli.Root, patients, LabExportWriter.Windows1252, name: "latin.csv");

        var first = await _cli.RunAsync("enroll", withBom);
        var store = Store();
        var fromBom = await store.LoadActiveAsync(CancellationToken.None);
        var second = await _cli.RunAsync("enroll", withoutBom);
        var fromPlain = await store.LoadActiveAsync(CancellationToken.None);
        var third = await _cli.RunAsync("enroll", latin);
        var fromLatin = await store.LoadActiveAsync(CancellationToken.None);

        Assert.Contains("(utf-8,", first.Out, StringComparison.Ordinal);
        Assert.Contains("(utf-8,", second.Out, StringComparison.Ordinal);
        Assert.Contains("(windows-1252,", third.Out, StringComparison.Ordinal);
        // Same people, same fingerprints, whatever the encoding: accents were read right every time.
        Assert.Equal(fromBom!.LinkedKeys, fromPlain!.LinkedKeys);
        Assert.Equal(fromBom.LinkedKeys, fromLatin!.LinkedKeys);
        Assert.Equal(fromBom.SetMembers.Order(), fromLatin.SetMembers.Order());
    }

    [Fact]
    public async Task Enroll_ExplicitEncodingAndDelimiter_AreUsed()
    {
        var path = Path.Combine(_cli.Root, "tabs.txt");
        await File.WriteAllTextAsync(path, "ID\tNAME\tGIVEN\tDOB\tSSN\r\nA1\tDUPONT\tMarie\t12/03/1965\t\r\n", Encoding.UTF8);

        var result = await _cli.RunAsync("enroll", path, "--delimiter", "tab", "--encoding", "utf-8",
            "--map", "id=ID", "--map", "birth-name=NAME", "--map", "first-names=GIVEN", "--map", "birth-date=DOB");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("delimiter tab", result.Out, StringComparison.Ordinal);
        Assert.Contains("birth-name   <- NAME", result.Out, StringComparison.Ordinal);
        Assert.Contains("Enrolled 1 patients", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_NoIdentifierColumn_RefusesAndWritesNothing()
    {
        var path = Path.Combine(_cli.Root, "noid.csv");
        await File.WriteAllTextAsync(path, "NOM;PRENOM;NIR\nDUPONT;Marie;\n");

        var result = await _cli.RunAsync("enroll", path);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("No identifier column", result.Error, StringComparison.Ordinal);
        Assert.Contains("--map id=COLUMN", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_cli.DatabasePath));
        Assert.False(File.Exists(_cli.KeyFile));
    }

    [Fact]
    public async Task Enroll_NoIdentifyingColumn_Refuses()
    {
        var path = Path.Combine(_cli.Root, "weak.csv");
        await File.WriteAllTextAsync(path, "IPP;SEXE;VILLE\n1;F;PARIS\n");

        var result = await _cli.RunAsync("enroll", path);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("No identifying column", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_MapNamesUnknownColumnOrKind_StopsNamingIt()
    {
        var export = ExportFiles.Write(_cli.Root, count: 5, seed: 1);

        var unknownColumn = await _cli.RunAsync("enroll", export, "--map", "nir=SECU");
        var unknownKind = await _cli.RunAsync("enroll", export, "--map", "shoe-size=NIR");

        Assert.Equal(ExitCodes.BadConfiguration, unknownColumn.ExitCode);
        Assert.Contains("no column SECU", unknownColumn.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadConfiguration, unknownKind.ExitCode);
        Assert.Contains("--map shoe-size=NIR", unknownKind.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_MissingFile_SaysSo()
    {
        var result = await _cli.RunAsync("enroll", Path.Combine(_cli.Root, "nope.csv"));

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("Cannot read the export", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_RowsWithoutIdentifierOrIdentifyingField_AreSkippedAndCountedByReason()
    {
        var path = Path.Combine(_cli.Root, "mixed.csv");
        await File.WriteAllTextAsync(path,
            "IPP;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;NIR\n" +
            "1;DUPONT;Marie;12/03/1965;\n" +
            ";MARTIN;Paul;01/01/1970;\n" +
            "3;;;;\n" +
            "4;DURAND;Luc;;\n");

        // Three rows of four skipped is far over the 1 % a lab export may lose: accepted only when forced.
        var result = await _cli.RunAsync("enroll", path, "--force");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Enrolled 1 patients from 4 rows", result.Out, StringComparison.Ordinal);
        Assert.Contains("rows skipped: 3 of 4", result.Out, StringComparison.Ordinal);
        Assert.Contains("no-identifier: 1", result.Out, StringComparison.Ordinal);
        Assert.Contains("no-identifying-field: 2", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("DUPONT", result.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("MARTIN", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_Again_ReplacesThePreviousSnapshot()
    {
        var first = ExportFiles.Write(_cli.Root, count: 200, seed: 1, name: "a.csv");
        var second = ExportFiles.Write(_cli.Root, count: 190, seed: 2, name: "b.csv");

        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("enroll", first)).ExitCode);
        Assert.Equal(ExitCodes.Success, (await _cli.RunAsync("enroll", second)).ExitCode);

        var info = await Store().GetActiveEnrollmentAsync(CancellationToken.None);
        Assert.NotNull(info);
        Assert.Equal("b.csv", info.FileName);
        Assert.Equal(190, info.Patients);
        Assert.Equal(190, (await Store().LoadActiveAsync(CancellationToken.None))!.Patients.Length);
    }

    private FingerprintStore Store() =>
        new(new Database(Options.Create(new StorageOptions { DataDirectory = _cli.DataDirectory })), TimeProvider.System);

    public void Dispose() => _cli.Dispose();
}

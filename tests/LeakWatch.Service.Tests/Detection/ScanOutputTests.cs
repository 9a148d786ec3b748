using System.IO.Compression;
using System.Net.Sockets;
using System.Text.Json;
using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>
/// What scan prints and how it exits, through the built executable: names that may be a patient's masked, rules as
/// an array, inputs that cannot be read whole (devices, FIFOs, sockets, refused archives) never passing for clean.
/// </summary>
public sealed class ScanOutputTests : IDisposable
{
    private readonly ExecutableHarness _cli = new();
    private readonly SyntheticPatient[] _patients = SyntheticPopulation.GenerateArray(200, seed: 404);
    private readonly PlaintextScanner _values;

    public ScanOutputTests() => _values = new PlaintextScanner(PlaintextScanner.ValuesOf(_patients));

    [Fact]
    public async Task Scan_DeviceFifoOrSocket_RefusedWithoutBlockingExit3()
    {
        await EnrollAsync();
        var fifo = Path.Combine(_cli.Root, "pipe");
        Assert.Equal(0, Process("mkfifo", fifo));
        var socketPath = Path.Combine(_cli.Root, "socket");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        var device = await _cli.RunAsync("scan", "/dev/zero");
        var pipe = await _cli.RunAsync("scan", fifo);
        var sock = await _cli.RunAsync("scan", socketPath);

        Assert.True(device.ExitCode == ExitCodes.Partial, device.ToString());
        Assert.Contains("/dev/zero is a device, not a file: refused", device.Error, StringComparison.Ordinal);
        Assert.True(pipe.ExitCode == ExitCodes.Partial, pipe.ToString());
        Assert.Contains("is a FIFO (named pipe), not a file: refused", pipe.Error, StringComparison.Ordinal);
        Assert.True(sock.ExitCode == ExitCodes.Partial, sock.ToString());
        Assert.Contains("is a socket, not a file: refused", sock.Error, StringComparison.Ordinal);
        Assert.Contains("could not be read whole", device.Error, StringComparison.Ordinal);

        // Found plus partial is "found", with the partial part still reported.
        var dump = ExportFiles.Write(_cli.Root, _patients.Take(10), name: "dump.csv");
        var both = await _cli.RunAsync("scan", dump, fifo);
        Assert.True(both.ExitCode == ExitCodes.Found, both.ToString());
        Assert.Contains("is a FIFO", both.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_EntryNamedAfterAPatient_MaskedInTextAndJsonUnlessShowEntryNames()
    {
        await EnrollAsync();
        var victim = _patients[0];
        var entryName = $"{victim.BirthName}_{victim.FirstNames}_{victim.Nir}_{victim.Email}.csv";
        var archive = Path.Combine(_cli.Root, "leak.zip");
        using (var zip = ZipFile.Open(archive, ZipArchiveMode.Create))
        {
            await using var entry = zip.CreateEntry(entryName).Open();
            await using var writer = new StreamWriter(entry, LabExportWriter.Windows1252);
            LabExportWriter.Write(writer, _patients.Take(30));
        }

        var text = await _cli.RunAsync("scan", archive);
        var json = await _cli.RunAsync("scan", "--json", archive);
        var shown = await _cli.RunAsync("scan", "--show-entry-names", archive);

        Assert.True(text.ExitCode == ExitCodes.Found, text.ToString());
        Assert.Contains("leak.zip!entry-", text.Out, StringComparison.Ordinal);
        Assert.Contains("30 patients of ours", text.Out, StringComparison.Ordinal);
        Assert.Empty(_cli.FindValues(_values, text));
        Assert.Empty(_cli.FindValues(_values, json));
        Assert.Contains(entryName, shown.Out, StringComparison.Ordinal);

        var lines = json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(30, lines.Count);
        foreach (var line in lines)
        {
            Assert.StartsWith(archive + "!entry-", line.GetProperty("document").GetString(), StringComparison.Ordinal);
            Assert.False(line.TryGetProperty("rule", out _));
            var rules = line.GetProperty("rules");
            Assert.Equal(JsonValueKind.Array, rules.ValueKind);
            Assert.All(rules.EnumerateArray(), r => Assert.Equal(JsonValueKind.String, r.ValueKind));
        }
        // Rule ids hold "+": each stays one element of the array.
        Assert.Contains(lines.SelectMany(l => l.GetProperty("rules").EnumerateArray()), r => r.GetString() == "nir+name");
    }

    [Fact]
    public async Task Scan_FolderOfFilesNamedAfterPatients_FileNamesMasked()
    {
        await EnrollAsync();
        var folder = Path.Combine(_cli.Root, "suspect");
        var victim = _patients[1];
        Directory.CreateDirectory(Path.Combine(folder, victim.BirthName));
        ExportFiles.Write(Path.Combine(folder, victim.BirthName), _patients.Take(5), name: $"{victim.FirstNames}_{victim.Nir}.csv");

        var masked = await _cli.RunAsync("scan", folder);
        var shown = await _cli.RunAsync("scan", "--show-entry-names", folder);

        Assert.True(masked.ExitCode == ExitCodes.Found, masked.ToString());
        Assert.Contains(folder + Path.DirectorySeparatorChar + "file-", masked.Out, StringComparison.Ordinal);
        Assert.EndsWith(".csv: 5 patients of ours (5 high, 0 medium, 0 low confidence) in 5 records", masked.Out.Split('\n')[0].TrimEnd(), StringComparison.Ordinal);
        Assert.Empty(_cli.FindValues(_values, masked));
        Assert.Contains(victim.Nir, shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ArchiveRefusedAndNothingFound_Exit3AndSaidInTextAndJson()
    {
        await EnrollAsync();
        var inner = Path.Combine(_cli.Root, "inner.zip");
        using (var zip = ZipFile.Open(inner, ZipArchiveMode.Create))
        {
            await using var entry = zip.CreateEntry("notes.txt").Open();
            await entry.WriteAsync("nothing here\n"u8.ToArray());
        }
        var outer = Path.Combine(_cli.Root, "outer.zip");
        using (var zip = ZipFile.Open(outer, ZipArchiveMode.Create)) zip.CreateEntryFromFile(inner, "inner.zip");
        _cli.Environment["LeakWatch__Detection__MaxArchiveDepth"] = "1";

        var text = await _cli.RunAsync("scan", outer);
        var json = await _cli.RunAsync("scan", "--json", outer);

        Assert.True(text.ExitCode == ExitCodes.Partial, text.ToString());
        Assert.Contains("not read whole, nothing found in what was read", text.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == ExitCodes.Partial, json.ToString());
        var note = JsonDocument.Parse(json.Out.Trim()).RootElement;
        Assert.Contains("nested deeper", note.GetProperty("partial").GetString(), StringComparison.Ordinal);
        Assert.False(note.TryGetProperty("patient", out _));
    }

    [Fact]
    public async Task Scan_TruncatedGzip_ReadInPartExit3OrFoundExit1AndSaidInTextAndJson()
    {
        await EnrollAsync();
        var strangers = SyntheticPopulation.GenerateArray(2000, seed: 405);
        var strangerValues = new PlaintextScanner(PlaintextScanner.ValuesOf(strangers));
        var clean = await File.ReadAllBytesAsync(ExportFiles.Write(_cli.Root, strangers, name: "strangers.csv"));
        var ours = await File.ReadAllBytesAsync(ExportFiles.Write(_cli.Root, _patients.Take(20).Concat(strangers), name: "ours.csv"));
        var cutClean = Path.Combine(_cli.Root, "cut.csv.gz");
        var cutOurs = Path.Combine(_cli.Root, "cut-ours.csv.gz");
        var twoMembers = Path.Combine(_cli.Root, "two.csv.gz");
        var gzClean = GZip(clean);
        var gzOurs = GZip(ours);
        await File.WriteAllBytesAsync(cutClean, gzClean[..(gzClean.Length / 2)]);
        await File.WriteAllBytesAsync(cutOurs, gzOurs[..(gzOurs.Length / 2)]);
        await File.WriteAllBytesAsync(twoMembers, [.. gzClean, .. GZip(clean[clean.AsSpan().IndexOf((byte)'\n')..])]);

        var text = await _cli.RunAsync("scan", cutClean);
        var json = await _cli.RunAsync("scan", "--json", cutClean);
        var found = await _cli.RunAsync("scan", "--json", cutOurs);
        var whole = await _cli.RunAsync("scan", twoMembers);

        Assert.True(text.ExitCode == ExitCodes.Partial, text.ToString());
        Assert.Contains("truncated gzip: ", text.Out + text.Error, StringComparison.Ordinal);
        Assert.Contains("not read whole, nothing found in what was read", text.Out, StringComparison.Ordinal);
        Assert.True(json.ExitCode == ExitCodes.Partial, json.ToString());
        var note = JsonDocument.Parse(json.Out.Trim()).RootElement;
        Assert.StartsWith("truncated gzip: ", note.GetProperty("partial").GetString(), StringComparison.Ordinal);

        // The patients in the part that was read are found; the cut is still reported.
        Assert.True(found.ExitCode == ExitCodes.Found, found.ToString());
        var lines = found.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(20, lines.Count(l => l.TryGetProperty("patient", out _)));
        Assert.All(lines, l => Assert.StartsWith("truncated gzip: ", l.GetProperty("partial").GetString(), StringComparison.Ordinal));

        // Concatenated gzip members are one whole document.
        Assert.True(whole.ExitCode == ExitCodes.Success, whole.ToString());
        Assert.DoesNotContain("truncated", whole.Out + whole.Error, StringComparison.Ordinal);

        foreach (var result in new[] { text, json, found, whole })
        {
            Assert.Empty(_cli.FindValues(strangerValues, result));
            Assert.Empty(_cli.FindValues(_values, result));
        }
    }

    private static byte[] GZip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }

    private async Task EnrollAsync()
    {
        var export = ExportFiles.Write(_cli.Root, _patients, name: "export.csv");
        var result = await _cli.RunAsync("enroll", export);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
    }

    private static int Process(string file, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Dispose() => _cli.Dispose();
}

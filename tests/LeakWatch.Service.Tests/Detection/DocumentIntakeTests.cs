using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LeakWatch.Service.Detection;
using LeakWatch.Service.Hosting;
using LeakWatch.Service.Incidents;
using LeakWatch.Service.Tests.Crawling.Support;
using LeakWatch.Service.Tests.Enrollment;
using LeakWatch.Service.Tests.Hosting;
using LeakWatch.Synthetic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Tests.Detection;

/// <summary>
/// The crawler's one way into detection, with the real scanner on a real enrollment: fetched bytes and their declared
/// charset in, decoded once, hashed once, HTML read by Core's HTML extractor (its table headers included), incidents out.
/// </summary>
public sealed class DocumentIntakeTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly SyntheticPatient[] _base = SyntheticPopulation.GenerateArray(200, seed: 1111);
    private ServiceProvider? _services;

    private async Task<(DocumentIntake Intake, FakeRecorder Recorder)> StartAsync()
    {
        Assert.Equal(0, (await _cli.RunAsync("key", "init")).ExitCode);
        var enroll = await _cli.RunAsync("enroll", ExportFiles.Write(_cli.Root, _base));
        Assert.True(enroll.ExitCode == 0, enroll.ToString());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LeakWatch:DataDirectory"] = _cli.DataDirectory,
            ["LeakWatch:KeyFile"] = _cli.KeyFile,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddLeakWatch();
        var recorder = new FakeRecorder(); // alerting is the boundary here: what the intake hands it is the point
        services.AddSingleton<IIncidentRecorder>(recorder);
        _services = services.BuildServiceProvider();
        return (_services.GetRequiredService<DocumentIntake>(), recorder);
    }

    /// <summary>A forum post laying patients out in a table whose header says which cell is what (no separators to sniff).</summary>
    private static string TablePage(IEnumerable<SyntheticPatient> patients)
    {
        var page = new StringBuilder("<html><head><title>Fuite</title></head><body><div class=\"post\"><table><tr><th>Nom</th><th>Prénom</th><th>Date de naissance</th><th>NIR</th></tr>");
        foreach (var p in patients)
        {
            page.Append(CultureInfo.InvariantCulture, $"<tr><td>{p.BirthName}</td><td>{p.FirstNames}</td><td>{p.BirthDate:dd/MM/yyyy}</td><td>{p.Nir}</td></tr>");
        }
        return page.Append("</table></div></body></html>").ToString();
    }

    [Fact]
    public async Task AcceptAsync_Windows1252PageWithADeclaredCharset_FindsTheTablesPatientsAndRecordsOneIncident()
    {
        var (intake, recorder) = await StartAsync();
        var leaked = _base.Where(p => p.FirstNames.Any(c => c > 127) || p.BirthName.Any(c => c > 127)).Take(3).Concat(_base.Take(5)).Distinct().ToList();
        var bytes = Encoding.Latin1.GetBytes(TablePage(leaked));
        var document = new FetchedDocument(bytes, "text/html", "ISO-8859-1");

        var result = await intake.AcceptAsync("forum", "https://forum.example/viewtopic.php?t=1", document, CancellationToken.None);

        Assert.Null(result.Failure);
        var scanned = Assert.Single(result.Results);
        Assert.Equal(leaked.Count, scanned.Matches.Count);
        var hashes = TestHashes.FromKeyFile(_cli.KeyFile);
        Assert.Equal(hashes.Content(bytes), scanned.ContentHash); // keyed: never the bare SHA-256 of the bytes
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(bytes)), scanned.ContentHash);
        Assert.Same(document.ContentHash(hashes), scanned.ContentHash); // hashed once: the crawler's "seen" key is the incident's hash
        var recorded = Assert.Single(recorder.Recorded);
        Assert.Equal(("forum", "https://forum.example/viewtopic.php?t=1"), (recorded.Source, recorded.Url));
    }

    [Fact]
    public async Task AcceptAsync_ZipAttachmentAndPlainCsv_AreUnpackedAndDecodedWithoutAPageAround()
    {
        var (intake, recorder) = await StartAsync();
        var csv = Rows(_base.Skip(20).Take(4));
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(archive.CreateEntry("dump.csv").Open(), Encoding.UTF8);
            entry.Write(Rows(_base.Skip(30).Take(6)));
        }

        var plain = await intake.AcceptAsync("forum", "https://forum.example/download/file.php?id=1", new FetchedDocument(TextEncodingOf(csv), "text/csv", null), CancellationToken.None);
        var zipped = await intake.AcceptAsync("forum", "https://forum.example/download/file.php?id=2", new FetchedDocument(zip.ToArray(), "application/octet-stream", null), CancellationToken.None);

        Assert.Equal(4, plain.Patients);
        Assert.Equal(6, zipped.Patients);
        Assert.StartsWith("https://forum.example/download/file.php?id=2!", Assert.Single(zipped.Results).Document, StringComparison.Ordinal);
        Assert.Equal(2, recorder.Recorded.Count);
    }

    [Fact]
    public async Task AcceptAsync_PdfAndXlsxAttachments_AreReadByTheUnpackersDocumentReaders()
    {
        var (intake, _) = await StartAsync();
        var table = new LeakWatch.Synthetic.Documents.Table("Patients", ["NOM", "PRENOM", "DATE_NAISSANCE", "NIR"],
            [.. _base.Skip(40).Take(5).Select(p => (IReadOnlyList<LeakWatch.Synthetic.Documents.TableCell>)[p.BirthName, p.FirstNames, p.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture), p.Nir])]);

        // Servers send attachments as application/octet-stream: the bytes say what they are, not the header.
        var pdf = await intake.AcceptAsync("forum", "https://forum.example/download/file.php?id=3",
            new FetchedDocument(LeakWatch.Synthetic.Documents.PdfAndMailWriters.Pdf("Extrait", table), "application/octet-stream", null), CancellationToken.None);
        var xlsx = await intake.AcceptAsync("forum", "https://forum.example/download/file.php?id=4",
            new FetchedDocument(LeakWatch.Synthetic.Documents.OfficeWriters.Xlsx([table]), "application/octet-stream", null), CancellationToken.None);

        Assert.Equal(5, pdf.Patients);
        Assert.Equal(5, xlsx.Patients);
    }

    private static string Rows(IEnumerable<SyntheticPatient> patients)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        LabExportWriter.Write(writer, patients);
        return writer.ToString();
    }

    private static byte[] TextEncodingOf(string csv) => LeakWatch.Core.Documents.TextDecoding.Windows1252.GetBytes(csv);

    public void Dispose()
    {
        _services?.Dispose();
        _cli.Dispose();
    }
}

using LeakWatch.Core.Extraction;

namespace LeakWatch.Core.Tests.Extraction;

public sealed class FreeTextExtractorTests
{
    [Fact]
    public void Extract_ShortParagraphs_OneWindowEach()
    {
        var text = "Bonjour,\nje vends la base.\n\nNom : DUPONT\nPrénom : Marie\nNée le : 12/03/1965\n";

        var (records, _) = ExtractionHarness.Run(new FreeTextExtractor(), text);

        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(RecordShape.FreeText, r.Shape));
        Assert.Equal("Nom : DUPONT\nPrénom : Marie\nNée le : 12/03/1965", records[1].Text);
        Assert.Equal(4, records[1].Line);
        Assert.Equal(text.IndexOf("Nom", StringComparison.Ordinal), records[1].Offset);
    }

    [Fact]
    public void Extract_LongParagraph_OverlappingWindowsKeepNeighboursTogether()
    {
        var lines = Enumerable.Range(1, 20).Select(i => $"ligne {i} PATIENT{i}").ToArray();

        var (records, _) = ExtractionHarness.Run(new FreeTextExtractor(), string.Join("\n", lines));

        // Every pair of neighbouring lines shares a window, and no window holds more than three lines.
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            Assert.Contains(records, r => r.Text.Contains(lines[i] + "\n" + lines[i + 1], StringComparison.Ordinal));
        }

        Assert.All(records, r => Assert.True(r.Text.Split('\n').Length <= 3));
        Assert.Contains(records, r => r.Text.EndsWith(lines[^1], StringComparison.Ordinal));
    }

    [Fact]
    public void Extract_VeryLongLine_IsCutIntoOverlappingPiecesAtSpaces()
    {
        var words = Enumerable.Range(0, 800).Select(i => $"mot{i}").ToList();
        words[400] = "DUPONT";
        var line = string.Join(' ', words);

        var (records, _) = ExtractionHarness.Run(new FreeTextExtractor(), line);

        Assert.True(records.Count > 3);
        Assert.All(records, r => Assert.True(r.Text.Length <= FreeTextExtractor.MaxWindowChars));
        Assert.Contains(records, r => r.Text.Split(' ').Contains("DUPONT"));
        Assert.All(records, r => Assert.Equal(line.IndexOf(r.Text, StringComparison.Ordinal), r.Offset));
        Assert.All(records.Skip(1), r => Assert.Equal(' ', line[(int)r.Offset - 1]));
    }

    [Fact]
    public void Extract_SingleLineOfExactlyAWindow_IsNotLost()
    {
        var line = new string('a', FreeTextExtractor.MaxWindowChars);

        var (records, _) = ExtractionHarness.Run(new FreeTextExtractor(), line + "\nsuite");

        Assert.Contains(records, r => r.Text.StartsWith(line, StringComparison.Ordinal));
    }
}

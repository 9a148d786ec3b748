using LeakWatch.Core.Extraction;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Tests.Extraction;

public sealed class DelimitedExtractorTests
{
    [Theory]
    [InlineData(';')]
    [InlineData(',')]
    [InlineData('\t')]
    [InlineData('|')]
    public void Extract_AnyDelimiterWithHeader_RowsHintedByColumn(char delimiter)
    {
        var d = delimiter.ToString();
        var text = string.Join(d, "IPP", "NOM", "PRENOM", "DATE_NAISSANCE", "NIR") + "\n"
            + string.Join(d, "A001", "DUPONT", "Hélène", "12/03/1965", "265037511212382") + "\n"
            + string.Join(d, "A002", "LE GALL", "Jean-Noël", "01/07/1980", "180077511234567") + "\n"
            + string.Join(d, "A003", "N'DIAYE", "Aïssata", "28/02/1975", "275029912345678") + "\n";

        var (summary, records) = ExtractionHarness.Extract(text, "export.csv");

        Assert.Equal(DocumentFormat.Delimited, summary.Format);
        Assert.Equal(3, records.Count);
        Assert.Equal("DUPONT", records[0].ValueOf(FieldHint.LastName));
        Assert.Equal("Hélène", records[0].ValueOf(FieldHint.FirstName));
        Assert.Equal("12/03/1965", records[0].ValueOf(FieldHint.BirthDate));
        Assert.Equal("265037511212382", records[0].ValueOf(FieldHint.Nir));
        Assert.Equal("N'DIAYE", records[2].ValueOf(FieldHint.LastName));
    }

    [Fact]
    public void Extract_NoHeader_EveryRowIsDataWithoutHints()
    {
        var text = "DUPONT;Marie;12/03/1965;0612345678\nMARTIN;Paul;01/01/1970;0698765432\nBERNARD;Zoé;05/05/1985;0711223344\n";

        var (summary, records) = ExtractionHarness.Extract(text);

        Assert.Equal(DocumentFormat.Delimited, summary.Format);
        Assert.Equal(3, records.Count);
        Assert.Equal(["DUPONT", "Marie", "12/03/1965", "0612345678"], records[0].Values);
        Assert.All(records.SelectMany(r => r.Fields), f => Assert.Equal(FieldHint.None, f.Hint));
    }

    [Fact]
    public void Extract_QuotedCells_DelimitersEscapedQuotesAndLineBreaksKept()
    {
        var text = "nom,prenom,commentaire,ddn\r\n"
            + "\"DUPONT, dit \"\"le grand\"\"\",Marie,\"ligne 1\r\nligne 2\",12/03/1965\r\n"
            + "MARTIN,Paul,\"\",01/01/1970\r\n";

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(',', HasHeader: true)), text);

        Assert.Equal(2, records.Count);
        Assert.Equal(["DUPONT, dit \"le grand\"", "Marie", "ligne 1\r\nligne 2", "12/03/1965"], records[0].Values);
        Assert.Equal(FieldHint.LastName, records[0].Fields[0].Hint);
        Assert.Equal(2, records[0].Line);

        // The quoted line break counts: the next row starts on line 4.
        Assert.Equal(4, records[1].Line);
        Assert.Equal(text.IndexOf("MARTIN", StringComparison.Ordinal), records[1].Offset);
    }

    [Fact]
    public void Extract_OffsetsAndLines_PointAtEachRowInTheDecodedText()
    {
        var text = "nom;prenom\r\n\r\nDUPONT;Marie\r\nMARTIN;Paul\nBERNARD;Luc";

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(';', HasHeader: true)), text);

        Assert.Equal(3, records.Count);
        Assert.Equal([3L, 4L, 5L], records.Select(r => r.Line));
        Assert.Equal(
            [text.IndexOf("DUPONT", StringComparison.Ordinal), text.IndexOf("MARTIN", StringComparison.Ordinal), text.IndexOf("BERNARD", StringComparison.Ordinal)],
            records.Select(r => (int)r.Offset));
        Assert.Equal(["BERNARD", "Luc"], records[2].Values);
    }

    [Fact]
    public void Extract_StrayQuoteInsideCell_IsALetterAndDoesNotSwallowRows()
    {
        var text = "nom;prenom;remarque\nO\"BRIEN;Kate;taille 5\" env.\nDUPONT;Marie;rien\nMARTIN;Paul;x\n";

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(';', HasHeader: true)), text);

        Assert.Equal(3, records.Count);
        Assert.Equal(["O\"BRIEN", "Kate", "taille 5\" env."], records[0].Values);
        Assert.Equal("DUPONT", records[1].Values.First());
    }

    [Fact]
    public void Extract_QuoteNeverClosed_IsTakenAsALetterAfterTheCap()
    {
        var rows = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"NOM{i};Prenom{i};x\n"));
        var text = "nom;prenom;c\n\"UNCLOSED;Marie;x\n" + rows;

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(';', HasHeader: true)), text);

        Assert.Equal(20_001, records.Count);
        Assert.Equal(["\"UNCLOSED", "Marie", "x"], records[0].Values);
        Assert.Equal("NOM19999", records[^1].Values.First());
    }

    [Fact]
    public void Extract_RaggedRow_GetsNoHintsRatherThanWrongOnes()
    {
        var text = "nom;prenom;ville\nDUPONT;Marie;Paris\nMARTIN;Paul;Lyon;en trop\n";

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(';', HasHeader: true)), text);

        Assert.Equal(FieldHint.LastName, records[0].Fields[0].Hint);
        Assert.All(records[1].Fields, f => Assert.Equal(FieldHint.None, f.Hint));
        Assert.Equal(4, records[1].Fields.Count);
    }

    [Fact]
    public void Extract_BlankAndDelimiterOnlyRows_AreSkipped()
    {
        var text = "a;b;c\n;;\n\n   \nDUPONT;Marie;1965\n";

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(';', HasHeader: false)), text);

        Assert.Equal(2, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Values);
        Assert.Equal("DUPONT", records[1].Values.First());
    }

    [Fact]
    public void Extract_HeaderOfUnknownNames_IsKeptAsData()
    {
        var text = "colA;colB\nDUPONT;12/03/1965\nMARTIN;01/01/1970\n";

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(';', HasHeader: true)), text);

        Assert.Equal(3, records.Count);
        Assert.Equal(["colA", "colB"], records[0].Values);
    }

    [Fact]
    public void Extract_RowLongerThanTheBuffer_IsReadWhole()
    {
        var longCell = new string('x', 600_000);
        var text = $"nom;commentaire\nDUPONT;{longCell}\nMARTIN;court\n";

        var (records, _) = ExtractionHarness.Run(new DelimitedExtractor(new DelimitedDialect(';', HasHeader: true)), text);

        Assert.Equal(2, records.Count);
        Assert.Equal(longCell.Length, records[0].Values.Last().Length);
        Assert.Equal("MARTIN", records[1].Values.First());
    }

    [Fact]
    public void Sniff_CommasInsideQuotedCells_DoNotHideTheSemicolon()
    {
        var head = "nom;adresse;ville\nDUPONT;\"3, rue des Lilas\";Paris\nMARTIN;\"12, avenue Foch, bât. B\";Lyon\nPETIT;\"1 place\";Nice\n";

        var dialect = DelimitedDialect.Sniff(head, headIsComplete: true);

        Assert.NotNull(dialect);
        Assert.Equal(';', dialect.Delimiter);
        Assert.True(dialect.HasHeader);
    }

    [Fact]
    public void Sniff_HeaderWithNumberedColumnNames_IsStillAHeader()
    {
        var head = "IPP;NOM;COL7;ADRESSE2\n123456;DUPONT;x;y\n123457;MARTIN;x;y\n";

        Assert.True(DelimitedDialect.Sniff(head, headIsComplete: true)!.HasHeader);
    }

    [Fact]
    public void Sniff_ProseWithOneCommaPerLine_IsNotDelimited()
    {
        var head = "Bonjour, voici la suite.\nMerci, à bientôt\n";

        Assert.Null(DelimitedDialect.Sniff(head, headIsComplete: true));
    }
}

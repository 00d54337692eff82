package io.paperalerts.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A real page of arXiv's OAI-PMH {@code ListRecords} in {@code oai_dc}: 265 papers of one day of
 * 2023 across physics, mathematics and computer science (provenance: ../shared/fixtures/sources).
 */
public final class ArxivListing {

    private static final String RESOURCE = "/fixtures/arxiv-oai-listrecords-oai_dc.xml";
    private static final String DC = "http://purl.org/dc/elements/1.1/";
    private static final String OAI = "http://www.openarchives.org/OAI/2.0/";

    private ArxivListing() {}

    public static byte[] bytes() {
        try (InputStream in = ArxivListing.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Each paper's first subject (its primary one, e.g. "Computer Science - Robotics"), by the
     * identifier's arXiv id ({@code oai:arXiv.org:2303.03124} -> {@code 2303.03124}). Dublin Core
     * names subjects, not categories, so the paper parser leaves them out.
     */
    public static Map<String, String> primarySubjects() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(bytes()));
            Map<String, String> subjects = new LinkedHashMap<>();
            NodeList records = document.getElementsByTagNameNS(OAI, "record");
            for (int i = 0; i < records.getLength(); i++) {
                Element record = (Element) records.item(i);
                NodeList identifier = record.getElementsByTagNameNS(OAI, "identifier");
                NodeList subject = record.getElementsByTagNameNS(DC, "subject");
                if (identifier.getLength() > 0 && subject.getLength() > 0) {
                    String id = identifier.item(0).getTextContent().strip();
                    subjects.put(
                            id.substring(id.lastIndexOf(':') + 1),
                            subject.item(0).getTextContent().strip());
                }
            }
            return subjects;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + RESOURCE, e);
        }
    }
}

// Loads an ontology document with the OWL API (the library Protégé is built on) and checks it
// against the OWL 2 DL profile. Run as a single source file:
//   java -cp owlapi-distribution.jar DlProfile.java ONTOLOGY_FILE
// Prints the format it was read in, its axiom counts, each profile violation, and last either
// "in OWL 2 DL" or "not in OWL 2 DL".

import java.io.File;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DlProfile {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        System.out.println("format " + manager.getOntologyFormat(ontology).getClass().getSimpleName());
        System.out.println("axioms " + ontology.getAxiomCount() + ", logical " + ontology.getLogicalAxiomCount());
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println("violation: " + violation);
        }
        System.out.println(report.isInProfile() ? "in OWL 2 DL" : "not in OWL 2 DL");
    }
}

"""The demo's micro-credential in two languages (issue 15): "Modifying Instruction through Formative Assessments During a
Lesson" in Spanish, entered as its issuer would on the translation page, so a reader whose browser asks for Spanish
(or who picks Español in the footer) sees it translated."""
from __future__ import annotations

from microcred.accounts.models import Membership
from microcred.catalog import selectors, services, translation
from microcred.catalog.models import MicroCredential, VersionTranslation

from . import content

NAME = "la modificación de la enseñanza mediante evaluaciones formativas durante una clase"
PHRASES = {  # the rubric's verb phrases (content.descriptors builds the English the same way)
    "accurately explains the key method and its components (planned checkpoints, all-student responses, in-the-moment decisions)":
        "explica con precisión el método clave y sus componentes (puntos de control planificados, respuestas de todos los "
        "estudiantes, decisiones en el momento)",
    "connects the method to the research and to the specific needs of their own students":
        "relaciona el método con la investigación y con las necesidades específicas de sus propios estudiantes",
    "plans checks at critical points with a decision rule":
        "planifica comprobaciones en los puntos críticos con una regla de decisión",
    "collects evidence of understanding from all students":
        "recoge evidencia de comprensión de todos los estudiantes",
    "changes instruction in the moment in response to the evidence":
        "cambia la enseñanza en el momento en respuesta a la evidencia",
    "uses specific evidence from students to describe the impact of modifying Instruction through Formative Assessments During a Lesson":
        f"usa evidencia específica de los estudiantes para describir el impacto de {NAME}",
    "names concrete, justified next steps for refining the practice":
        "nombra próximos pasos concretos y justificados para perfeccionar la práctica",
}

SPANISH = {
    "Modifying Instruction through Formative Assessments During a Lesson":
        "Modificar la enseñanza mediante evaluaciones formativas durante una clase",
    "The educator checks for understanding at planned points in a lesson and adjusts instruction in the moment based on "
    "what students show.":
        "El docente comprueba la comprensión en momentos planificados de la clase y ajusta la enseñanza en el momento según "
        "lo que muestran los estudiantes.",
    "The educator plans hinge questions or quick checks at key points, collects a response from every student, and decides "
    "on the spot whether to move on, reteach or group students.":
        "El docente planifica preguntas bisagra o comprobaciones rápidas en momentos clave, recoge una respuesta de cada "
        "estudiante y decide en el momento si avanzar, volver a enseñar o agrupar a los estudiantes.",
    "Overview questions": "Preguntas generales",
    "Show that you understand modifying Instruction through Formative Assessments During a Lesson and why it matters for "
    "your students.": f"Demuestre que comprende {NAME} y por qué es importante para sus estudiantes.",
    "What is a hinge question, and where does it belong in a lesson?":
        "¿Qué es una pregunta bisagra y en qué momento de la clase se usa?",
    "Why collect responses from every student rather than from volunteers?":
        "¿Por qué recoger respuestas de todos los estudiantes y no solo de voluntarios?",
    "Only 12 of 28 students answer a hinge question correctly. What should the teacher do?":
        "Solo 12 de 28 estudiantes responden correctamente una pregunta bisagra. ¿Qué debe hacer el docente?",
    "Classroom artifacts": "Evidencias del aula",
    "Submit evidence of modifying Instruction through Formative Assessments During a Lesson with your own students.":
        f"Presente evidencia de {NAME} con sus propios estudiantes.",
    "Submit your lesson plan with marked checkpoints and decision thresholds.":
        "Presente su plan de clase con los puntos de control y los umbrales de decisión marcados.",
    "Submit a video showing a check for understanding and your adjustment.":
        "Presente un video que muestre una comprobación de la comprensión y su ajuste.",
    "Reflection": "Reflexión",
    "Reflect on the impact of the practice and plan your next steps.":
        "Reflexione sobre el impacto de la práctica y planifique sus próximos pasos.",
    "What did you change in the lesson, and what happened as a result?":
        "¿Qué cambió en la clase y qué ocurrió como resultado?",
    "What will you keep, change or try next, and why?": "¿Qué mantendrá, cambiará o probará a continuación, y por qué?",
    "Understanding of the key method": "Comprensión del método clave",
    "Connection to students and context": "Relación con los estudiantes y el contexto",
    "Planned checks for understanding": "Comprobaciones de comprensión planificadas",
    "Evidence from every student": "Evidencia de todos los estudiantes",
    "Adjusts instruction": "Ajusta la enseñanza",
    "Impact on student learning": "Impacto en el aprendizaje de los estudiantes",
    "Next steps for practice": "Próximos pasos para la práctica",
    "Not Yet": "Todavía no",
    "Proficient": "Competente",
}
for english, spanish in PHRASES.items():
    SPANISH[f"The educator {english}."] = f"El docente {spanish}."
    SPANISH[f"The evidence does not yet show that the educator {english}; resubmit with clearer or more complete evidence."] = (
        f"La evidencia todavía no muestra que el docente {spanish}; vuelva a presentarla con evidencia más clara o completa.")
    SPANISH[f"The evidence clearly shows that the educator {english}."] = f"La evidencia muestra claramente que el docente {spanish}."


def load_translations_demo() -> dict:
    """Translate the demo MC into Spanish once (an existing translation is left as its issuer keeps it)."""
    mc = MicroCredential.objects.filter(slug=content.MIF).select_related("current_version", "owner").first()
    if mc is None or mc.current_version is None or VersionTranslation.objects.filter(version=mc.current_version).exists():
        return {"translations_created": 0}
    editor = Membership.objects.filter(organization=mc.owner, role="issuer_admin").select_related("user").first()
    if editor is None:
        return {"translations_created": 0}
    version = selectors.version_for_translation(user=editor.user, slug=mc.slug, number=mc.current_version.number)
    values = {f.key: SPANISH.get(f.english, "") for f in translation.translatable_fields(version)}
    services.save_translation(version=version, language="es", values=values, by=editor.user)
    return {"translations_created": 1}

// peer_dart.cpp — the benchmark scenes in DART 6.12, from peer_scenes.h.
//
// DART works in generalized coordinates (articulated-body algorithm), like worldrunner. Settings: DART's defaults,
// i.e. semi-implicit Euler, BoxedLcpConstraintSolver (Dantzig, PGS fallback), friction as a boxed LCP with two
// tangent directions (a pyramid), rigid contacts with DART's error reduction. Collision: DARTCollisionDetector (its
// own box-box code); with PEER_DART_COLLISION=fcl in the environment, FCL (DART's default, meshes for primitives),
// reported as engine "dart-fcl". The humanoid always uses FCL with primitive shapes, since neither detector has a
// capsule: each capsule is a cylinder plus two spheres (the same solid). The ground is a 20 m x 20 m x 0.1 m static box whose top face is z = 0, since the
// DART detector has no plane shape. Only specific headers: dart/dart.hpp pulls an ikfast header Debian lacks.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include <dart/collision/dart/DARTCollisionDetector.hpp>
#include <dart/collision/fcl/FCLCollisionDetector.hpp>
#include <dart/config.hpp>
#include <dart/constraint/ConstraintSolver.hpp>
#include <dart/dynamics/BallJoint.hpp>
#include <dart/dynamics/BodyNode.hpp>
#include <dart/dynamics/BoxShape.hpp>
#include <dart/dynamics/CylinderShape.hpp>
#include <dart/dynamics/FreeJoint.hpp>
#include <dart/dynamics/RevoluteJoint.hpp>
#include <dart/dynamics/ShapeNode.hpp>
#include <dart/dynamics/Skeleton.hpp>
#include <dart/dynamics/SphereShape.hpp>
#include <dart/dynamics/WeldJoint.hpp>
#include <dart/simulation/World.hpp>

extern "C" {
#include "peer_harness.h"
#include "peer_scenes.h"
}

namespace {

using dart::dynamics::BodyNode;
using dart::dynamics::SkeletonPtr;

bool use_fcl()
{
    const char *choice = std::getenv("PEER_DART_COLLISION");
    return choice != nullptr && std::strcmp(choice, "fcl") == 0;
}

struct DartWorld {
    dart::simulation::WorldPtr world;
    std::vector<BodyNode *> bodies;  // chain links, boxes, or humanoid bodies (index 0 = pelvis)
};

dart::dynamics::BodyNode::Properties named(const std::string &prefix, int index)
{
    return dart::dynamics::BodyNode::Properties(dart::dynamics::BodyNode::AspectProperties(prefix + std::to_string(index)));
}

Eigen::Vector3d vec(const double v[3])
{
    return Eigen::Vector3d(v[0], v[1], v[2]);
}

// Mass, centre of mass and box inertia for `body`, and (when `collide`) its box shape with friction.
void dress(BodyNode *body, double mass, const double half[3], const double center[3], bool collide)
{
    double inertia[3];
    peer_box_inertia(mass, half, inertia);
    body->setMass(mass);
    body->setLocalCOM(vec(center));
    body->setMomentOfInertia(inertia[0], inertia[1], inertia[2]);
    if (!collide) {
        return;
    }
    auto box = std::make_shared<dart::dynamics::BoxShape>(2.0 * vec(half));
    auto *node = body->createShapeNodeWith<dart::dynamics::CollisionAspect, dart::dynamics::DynamicsAspect>(box);
    node->setRelativeTranslation(vec(center));
    node->getDynamicsAspect()->setFrictionCoeff(PEER_FRICTION);
}

void add_ground(DartWorld &w)
{
    SkeletonPtr ground = dart::dynamics::Skeleton::create("ground");
    auto *body = ground->createJointAndBodyNodePair<dart::dynamics::WeldJoint>().second;
    const double half[3] = {10.0, 10.0, 0.05};
    const double center[3] = {0.0, 0.0, -0.05};
    dress(body, 1.0, half, center, true);
    ground->setMobile(false);
    w.world->addSkeleton(ground);
}

void build_chain(DartWorld &w, int links)
{
    SkeletonPtr chain = dart::dynamics::Skeleton::create("chain");
    const double half[3] = {PEER_CHAIN_LENGTH / 2, PEER_CHAIN_WIDTH / 2, PEER_CHAIN_WIDTH / 2};
    const double center[3] = {PEER_CHAIN_LENGTH / 2, 0, 0};
    BodyNode *parent = nullptr;
    for (int i = 0; i < links; ++i) {
        dart::dynamics::RevoluteJoint::Properties joint;
        joint.mAxis = Eigen::Vector3d::UnitY();
        joint.mName = "joint" + std::to_string(i);
        joint.mT_ParentBodyToJoint.translation() = i == 0 ? Eigen::Vector3d(0, 0, peer_chain_pivot_z(links))
                                                          : Eigen::Vector3d(PEER_CHAIN_LENGTH, 0, 0);
        parent = chain->createJointAndBodyNodePair<dart::dynamics::RevoluteJoint>(parent, joint, named("link", i))
                     .second;
        dress(parent, PEER_CHAIN_MASS, half, center, false);
        parent->getParentJoint()->setDampingCoefficient(0, PEER_CHAIN_DAMPING);
        w.bodies.push_back(parent);
    }
    w.world->addSkeleton(chain);
}

void build_boxes(DartWorld &w, int count)
{
    add_ground(w);
    const double h = PEER_BOX_EDGE / 2;
    const double half[3] = {h, h, h};
    const double zero[3] = {0, 0, 0};
    for (int i = 0; i < count; ++i) {
        double p[3], angle;
        peer_box_start(i, count, p, &angle);
        SkeletonPtr skel = dart::dynamics::Skeleton::create("box" + std::to_string(i));
        dart::dynamics::FreeJoint::Properties joint;
        joint.mName = "free" + std::to_string(i);
        joint.mT_ParentBodyToJoint.translation() = vec(p);
        joint.mT_ParentBodyToJoint.linear() = Eigen::AngleAxisd(angle, Eigen::Vector3d::UnitX()).toRotationMatrix();
        auto *body = skel->createJointAndBodyNodePair<dart::dynamics::FreeJoint>(nullptr, joint, named("box", i)).second;
        dress(body, PEER_BOX_MASS, half, zero, true);
        w.bodies.push_back(body);
        w.world->addSkeleton(skel);
    }
}

void add_shape(BodyNode *body, const dart::dynamics::ShapePtr &shape, const double center[3])
{
    auto *node = body->createShapeNodeWith<dart::dynamics::CollisionAspect, dart::dynamics::DynamicsAspect>(shape);
    node->setRelativeTranslation(vec(center));
    node->getDynamicsAspect()->setFrictionCoeff(PEER_FRICTION);
}

template <class JointType>
BodyNode *add_joint(const SkeletonPtr &skel, BodyNode *parent, typename JointType::Properties joint, const peer_body &b)
{
    joint.mName = b.name;
    joint.mT_ParentBodyToJoint.translation() = vec(b.joint_pos);
    const dart::dynamics::BodyNode::Properties props(dart::dynamics::BodyNode::AspectProperties(b.name));
    return skel->createJointAndBodyNodePair<JointType>(parent, joint, props).second;
}

void build_humanoid(DartWorld &w)
{
    add_ground(w);
    SkeletonPtr skel = dart::dynamics::Skeleton::create("humanoid");
    for (int i = 0; i < PEER_HUMANOID_BODIES; ++i) {
        const peer_body &b = peer_humanoid[i];
        int parent_index = peer_humanoid_parent(i);
        BodyNode *parent = parent_index >= 0 ? w.bodies[static_cast<size_t>(parent_index)] : nullptr;
        BodyNode *body = nullptr;
        if (b.joint == PEER_JOINT_FREE) {
            body = add_joint<dart::dynamics::FreeJoint>(skel, parent, {}, b);
        } else if (b.joint == PEER_JOINT_HINGE) {
            dart::dynamics::RevoluteJoint::Properties joint;
            joint.mAxis = Eigen::Vector3d::UnitY();
            body = add_joint<dart::dynamics::RevoluteJoint>(skel, parent, joint, b);
            body->getParentJoint()->setPositionLowerLimit(0, b.lower);
            body->getParentJoint()->setPositionUpperLimit(0, b.upper);
            body->getParentJoint()->setLimitEnforcement(true);
        } else {
            body = add_joint<dart::dynamics::BallJoint>(skel, parent, {}, b);
        }
        for (std::size_t k = 0; k < body->getParentJoint()->getNumDofs() && b.joint != PEER_JOINT_FREE; ++k) {
            body->getParentJoint()->setDampingCoefficient(k, b.damping);
        }
        double inertia[3];
        peer_humanoid_inertia(i, inertia);
        body->setMass(b.mass);
        body->setLocalCOM(vec(b.com));
        body->setMomentOfInertia(inertia[0], inertia[1], inertia[2]);
        if (b.shape == PEER_SHAPE_BOX) {
            add_shape(body, std::make_shared<dart::dynamics::BoxShape>(2.0 * vec(b.size)), b.com);
        } else {
            // FCL in DART 6.12 has no capsule: a cylinder and two end spheres make the same solid.
            const double h = peer_capsule_half(&b);
            const double top[3] = {b.com[0], b.com[1], b.com[2] + h};
            const double bottom[3] = {b.com[0], b.com[1], b.com[2] - h};
            add_shape(body, std::make_shared<dart::dynamics::CylinderShape>(b.size[0], 2.0 * h), b.com);
            add_shape(body, std::make_shared<dart::dynamics::SphereShape>(b.size[0]), top);
            add_shape(body, std::make_shared<dart::dynamics::SphereShape>(b.size[0]), bottom);
        }
        if (i == PEER_HUMANOID_TORSO) {
            add_shape(body, std::make_shared<dart::dynamics::SphereShape>(PEER_HEAD_RADIUS), peer_head_pos);
        }
        w.bodies.push_back(body);
    }
    // worldrunner's defaults are self collision on, adjacent (parent-child) pairs off. With FCL, DART's self
    // collision makes the lying figure step about 50 times slower (~35 steps/s here), which would make run_all take
    // many minutes: it is off unless PEER_DART_SELF_COLLISION=1, and the README says so.
    const char *self = std::getenv("PEER_DART_SELF_COLLISION");
    skel->setSelfCollisionCheck(self != nullptr && std::strcmp(self, "1") == 0);
    skel->setAdjacentBodyCheck(false);
    w.world->addSkeleton(skel);
}

void *dart_create(const peer_scene *scene)
{
    auto *w = new DartWorld;
    w->world = dart::simulation::World::create();
    w->world->setGravity(Eigen::Vector3d(0, 0, PEER_GRAVITY_Z));
    w->world->setTimeStep(PEER_DT);
    // The DART detector has no capsule: the humanoid always uses FCL.
    if (scene->kind == PEER_SCENE_HUMANOID) {
        auto fcl = dart::collision::FCLCollisionDetector::create();
        fcl->setPrimitiveShapeType(dart::collision::FCLCollisionDetector::PRIMITIVE);
        w->world->getConstraintSolver()->setCollisionDetector(fcl);
    } else if (use_fcl()) {
        w->world->getConstraintSolver()->setCollisionDetector(dart::collision::FCLCollisionDetector::create());
    } else {
        w->world->getConstraintSolver()->setCollisionDetector(dart::collision::DARTCollisionDetector::create());
    }
    if (scene->kind == PEER_SCENE_CHAIN) {
        build_chain(*w, scene->count);
    } else if (scene->kind == PEER_SCENE_BOXES) {
        build_boxes(*w, scene->count);
    } else {
        build_humanoid(*w);
    }
    return w;
}

int dart_step(void *world, int steps)
{
    auto *w = static_cast<DartWorld *>(world);
    for (int i = 0; i < steps; ++i) {
        w->world->step();
    }
    return 0;
}

double dart_probe(void *world, const peer_scene *scene)
{
    auto *w = static_cast<DartWorld *>(world);
    if (scene->kind == PEER_SCENE_CHAIN) {
        Eigen::Vector3d tip = w->bodies.back()->getWorldTransform() * Eigen::Vector3d(PEER_CHAIN_LENGTH, 0, 0);
        return tip.z();
    }
    if (scene->kind == PEER_SCENE_BOXES) {
        double sum = 0.0;
        for (BodyNode *body : w->bodies) {
            sum += body->getWorldTransform().translation().z();
        }
        return sum / static_cast<double>(w->bodies.size());
    }
    return w->bodies[0]->getWorldTransform().translation().z();
}

void dart_destroy(void *world)
{
    delete static_cast<DartWorld *>(world);
}

}  // namespace

int main(int argc, char **argv)
{
    peer_engine engine{};
    engine.name = use_fcl() ? "dart-fcl" : "dart";
    engine.version = DART_VERSION;
    engine.notes = "generalized coordinates; semi-implicit Euler; BoxedLcpConstraintSolver (Dantzig, PGS fallback); "
                   "boxed friction (pyramid); rigid contacts with error reduction";
    engine.create = dart_create;
    engine.step = dart_step;
    engine.probe = dart_probe;
    engine.destroy = dart_destroy;
    return peer_main(argc, argv, &engine);
}
